/**
 * --sudo against a real sshd and the real sudo: a root-only log is "not
 * readable; try --sudo" without it, counted exactly with it, and a sudo rule
 * that wants a password fails the row at once with what to do.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { chmodSync, chownSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { removeUser, startSshd, type Sshd } from '../helpers/sshd.js';
import { appendLines, plan, sampler, sshTransport } from '../helpers/fleet.js';
import { firstSample, Schedule } from '../helpers/schedule.js';
import { ShellProber } from '../../src/probe/shell-prober.js';
import type { HostPlan } from '../../src/config/config.js';
import { runCli } from '../helpers/run-cli.js';

const ALLOWED = 'pvlook-sudo';
const ASKED = 'pvlook-sudopw';
let sshd: Sshd;
let sudoers: string;
let log: string;

before(async () => {
  assert.equal(process.getuid?.(), 0, 'the sudo tests make users and a sudoers rule: run them as root (as CI does)');
  sshd = await startSshd({ hostCount: 1, extraUsers: [ALLOWED, ASKED] });
  // Exactly what the docs recommend: NOPASSWD for pvlook's one command, nothing else. The other user may run it only with a password.
  const rules = `${ALLOWED} ALL=(root) NOPASSWD: /bin/sh -s\n${ASKED} ALL=(root) /bin/sh -s\n`;
  const draft = path.join(sshd.dir, 'sudoers-draft');
  writeFileSync(draft, rules, { mode: 0o440 });
  // A broken sudoers file would break sudo for the whole machine: check it first.
  execFileSync('visudo', ['-c', '-q', '-f', draft]);
  // sudo ignores sudoers.d files whose names contain a dot.
  sudoers = `/etc/sudoers.d/pvlook-test-${path.basename(sshd.dir).replace(/[^A-Za-z0-9_-]/g, '')}`;
  writeFileSync(sudoers, rules, { mode: 0o440 });
  log = path.join(sshd.logDir, 'root-only.log');
  writeFileSync(log, 'GET / 200\n'.repeat(10));
  chownSync(log, 0, 0);
  chmodSync(log, 0o600);
});

after(async () => {
  if (sudoers) rmSync(sudoers, { force: true });
  await sshd?.stop();
  for (const user of [ALLOWED, ASKED]) removeUser(user);
});

const withSudo = (host: string, sudo: boolean): HostPlan => ({ ...plan(host, log), ...(sudo ? { sudo } : {}) });
const proberFor = (sudo: boolean) => new ShellProber(sshTransport(sshd), () => 'shell', () => sudo);

test('a root-only log without --sudo: not readable, and pvlook says to try --sudo', async () => {
  const prober = proberFor(false);
  try {
    const row = (await firstSample(sampler([withSudo(`${ALLOWED}@h1`, false)], prober))).rows[0]!;
    assert.deepEqual([row.status, row.error], ['noperm', 'log file not readable; try --sudo']);
  } finally {
    await prober.close();
  }
});

test('with --sudo and a NOPASSWD rule for /bin/sh -s: counted exactly, in one long-lived root shell', async () => {
  const prober = proberFor(true);
  try {
    const logins = () => sshd.log().split('\n').filter((line) => line.includes(`Accepted publickey for ${ALLOWED}`)).length;
    const before = logins();
    const s = new Schedule(sampler([withSudo(`${ALLOWED}@h1`, true)], prober));
    const first = (await s.step()).rows[0]!;
    assert.deepEqual([first.status, first.error], ['ok', null]);
    for (const lines of [7, 0, 123]) {
      appendLines(log, lines);
      const row = (await s.step()).rows[0]!;
      assert.deepEqual([row.status, row.lines], ['ok', lines], row.error ?? '');
    }
    assert.equal(logins() - before, 1);
  } finally {
    await prober.close();
  }
});

test('sudo that wants a password fails the row at once with what to do, not by timing out', async () => {
  const prober = proberFor(true);
  try {
    // A timeout would read "timeout"; sudo -n answers by itself, long before.
    const s = new Schedule(sampler([withSudo(`${ASKED}@h1`, true)], prober, 15_000));
    const row = (await s.step()).rows[0]!;
    assert.deepEqual([row.status, row.error], ['auth', 'sudo needs a password on this host: allow NOPASSWD for /bin/sh -s, or drop --sudo']);
  } finally {
    await prober.close();
  }
});

test('pvlook doctor --sudo: sudo runs the shell as root and the root-only log is readable; without it, the fix says --sudo', async () => {
  const base = ['doctor', '--json', '-F', sshd.sshConfig, '-l', log, `${ALLOWED}@h1`];
  type Step = { name: string; status: string; fix: string | null };
  const stepsOf = (stdout: string) => (JSON.parse(stdout) as { hosts: { steps: Step[] }[] }).hosts[0]!.steps;
  const plain = await runCli(base, { cwd: sshd.dir, env: { HOME: sshd.dir } });
  assert.equal(plain.code, 1);
  const logs = stepsOf(plain.stdout).find((step) => step.name === 'logs')!;
  assert.deepEqual([logs.status, /--sudo/.test(logs.fix ?? '')], ['failed', true]);
  const sudo = await runCli([...base, '--sudo'], { cwd: sshd.dir, env: { HOME: sshd.dir } });
  assert.equal(sudo.code, 0, sudo.stdout);
  assert.deepEqual(stepsOf(sudo.stdout).filter((step) => ['logs', 'sudo'].includes(step.name)).map((step) => `${step.name} ${step.status}`), ['logs ok', 'sudo ok']);
});

test('pvlook doctor --sudo where sudo wants a password: the sudo step fails with the NOPASSWD fix, the logs are not reached', async () => {
  const result = await runCli(['doctor', '--json', '--sudo', '-F', sshd.sshConfig, '-l', log, `${ASKED}@h1`], { cwd: sshd.dir, env: { HOME: sshd.dir } });
  assert.equal(result.code, 1);
  const steps = (JSON.parse(result.stdout) as { hosts: { steps: { name: string; status: string; detail: string; fix: string | null }[] }[] }).hosts[0]!.steps;
  const byName = new Map(steps.map((step) => [step.name, step]));
  assert.equal(byName.get('shell')?.status, 'ok');
  assert.equal(byName.get('logs')?.status, 'not reached');
  assert.equal(byName.get('sudo')?.status, 'failed');
  assert.match(byName.get('sudo')?.detail ?? '', /^sudo needs a password on this host/);
  assert.match(byName.get('sudo')?.fix ?? '', new RegExp(`${ASKED} ALL=\\(root\\) NOPASSWD: /bin/sh -s`));
});

test('through OpenSSH too: sudo that wants a password fails the row at once, saying so', async () => {
  const result = await runCli(['--json', '--transport', 'openssh', '--sudo', '-F', sshd.sshConfig, '-l', log, `${ASKED}@h1`], { cwd: sshd.dir, env: { HOME: sshd.dir } });
  const row = (JSON.parse(result.stdout) as { hosts: { status: string; error: string | null }[] }).hosts[0]!;
  assert.deepEqual([row.status, row.error], ['auth', 'sudo needs a password on this host: allow NOPASSWD for /bin/sh -s, or drop --sudo']);
  assert.equal(result.code, 1);
});
