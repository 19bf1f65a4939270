/**
 * Whoever can write where a log or a glob points, on a real sshd: a FIFO
 * named like a watched log, a link to /dev/zero, a FIFO matched by a glob.
 * Each is an error on its own row naming what it is, never a hang, and the
 * host's other logs are counted as usual. And whatever a sample starts on
 * the host dies with it: a host whose `wc` never returns makes every sample
 * time out, and after the timeouts and reconnects not one of those processes
 * is left. Through both SSH clients, with and without sudo.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { removeUser, startSshd, type Sshd } from '../helpers/sshd.js';
import { appendLines, plan, sampler, sshTransport } from '../helpers/fleet.js';
import { Schedule } from '../helpers/schedule.js';
import { until } from '../helpers/until.js';
import { ShellProber } from '../../src/probe/shell-prober.js';
import { OpenSshTransport } from '../../src/transport/openssh-transport.js';
import type { Transport } from '../../src/transport/transport.js';
import type { HostPlan } from '../../src/config/config.js';

/** Logs in a folder it may write to, with a FIFO and a device among them. */
const WRITER = 'pvlook-files';
/** A host whose wc never returns. */
const STUCK = 'pvlook-stuck';
let sshd: Sshd;
let sudoers: string;
let bin: string;
let good: string;
let app: string;

before(async () => {
  assert.equal(process.getuid?.(), 0, 'these tests make users, a sudoers rule and a FIFO: run them as root (as CI does)');
  // A wc that waits forever, in a folder whose name marks every process started from it.
  bin = mkdtempSync('/var/tmp/pvlook-stuck-tools-');
  chmodSync(bin, 0o755);
  writeFileSync(path.join(bin, 'wc'), '#!/bin/sh\nsleep 3600\n', { mode: 0o755 });
  sshd = await startSshd({
    hostCount: 1,
    extraUsers: [WRITER, STUCK],
    extraConfig: [`Match User ${STUCK}`, `  ForceCommand PATH=${bin}:/usr/bin:/bin; export PATH; /bin/sh -c "$SSH_ORIGINAL_COMMAND"`],
  });
  const rules = [`${WRITER} ALL=(root) NOPASSWD: /bin/sh -s`, `${STUCK} ALL=(root) NOPASSWD: /bin/sh -s`, `Defaults:${STUCK} secure_path="${bin}:/usr/sbin:/usr/bin:/sbin:/bin"`, ''].join('\n');
  const draft = path.join(sshd.dir, 'sudoers-draft');
  writeFileSync(draft, rules, { mode: 0o440 });
  execFileSync('visudo', ['-c', '-q', '-f', draft]);
  sudoers = `/etc/sudoers.d/pvlook-test-${path.basename(sshd.dir).replace(/[^A-Za-z0-9_-]/g, '')}`;
  writeFileSync(sudoers, rules, { mode: 0o440 });

  good = path.join(sshd.logDir, 'good.log');
  writeFileSync(good, '', { mode: 0o644 });
  app = path.join(sshd.logDir, 'app');
  mkdirSync(app, { mode: 0o777 });
  writeFileSync(path.join(app, 'a.log'), '', { mode: 0o644 });
  execFileSync('mkfifo', ['-m', '666', path.join(app, 'zz.log')]);
  execFileSync('mkfifo', ['-m', '666', path.join(sshd.logDir, 'fifo.log')]);
  symlinkSync('/dev/zero', path.join(sshd.logDir, 'zero.log'));
});

after(async () => {
  if (sudoers) rmSync(sudoers, { force: true });
  await sshd?.stop();
  for (const user of [WRITER, STUCK]) removeUser(user);
  if (bin) rmSync(bin, { recursive: true, force: true });
});

const clients: Record<string, () => Transport> = {
  builtin: () => sshTransport(sshd),
  openssh: () => new OpenSshTransport({ configFile: sshd.sshConfig }),
};

/** Processes started from the stuck tools' folder, anywhere on the machine, as any user. */
function stuckProcesses(): number[] {
  return readdirSync('/proc')
    .filter((entry) => /^\d+$/.test(entry))
    .filter((entry) => {
      try {
        return readFileSync(`/proc/${entry}/cmdline`, 'utf8').includes(bin);
      } catch {
        return false;
      }
    })
    .map(Number);
}

for (const [client, makeTransport] of Object.entries(clients)) {
  for (const sudo of [false, true]) {
    describe(`${client}${sudo ? ', --sudo' : ''}`, () => {
      const host = (user: string, ...logs: string[]): HostPlan => ({ ...plan(`${user}@h1`, ...logs), ...(sudo ? { sudo } : {}) });

      test('a FIFO, a link to /dev/zero and a FIFO matched by a glob are errors naming them; the other logs are counted', async () => {
        const prober = new ShellProber(makeTransport(), () => 'shell', () => sudo);
        try {
          const s = new Schedule(sampler([host(WRITER, good, path.join(sshd.logDir, 'fifo.log'), path.join(sshd.logDir, 'zero.log'), path.join(app, '*.log'))], prober));
          await s.step();
          for (const lines of [5, 12]) {
            appendLines(good, lines);
            const [goodRow, fifo, zero, glob] = (await s.step()).rows;
            assert.deepEqual([goodRow?.status, goodRow?.lines], ['ok', lines], goodRow?.error ?? '');
            assert.deepEqual([fifo?.status, fifo?.lines], ['error', null]);
            assert.match(fifo?.error ?? '', /^not a regular file \(a FIFO; pvlook reads only regular files\)$/);
            assert.match(zero?.error ?? '', /^not a regular file \(a character device;/);
            assert.match(glob?.error ?? '', /^not a regular file \(a FIFO; .*\): .*\/app\/zz\.log$/);
          }
        } finally {
          await prober.close();
        }
      });

      test('a host whose tools never return: each sample times out, and nothing it started outlives it, through timeouts and reconnects', async () => {
        const prober = new ShellProber(makeTransport(), () => 'shell', () => sudo);
        const s = new Schedule(sampler([host(STUCK, good)], prober, 1500));
        appendLines(good, 1);
        let most = 0;
        try {
          let timeouts = 0;
          for (let round = 0; round < 15 && timeouts < 5; round++) {
            const row = (await s.step()).rows[0]!;
            if (row.status === 'timeout') timeouts++;
            most = Math.max(most, stuckProcesses().length);
          }
          assert.equal(timeouts, 5, 'every sample waited on the stuck wc until its deadline');
          // At most the sample in flight (the stuck tool and its sleep), never one per attempt so far.
          assert.ok(most <= 2, `processes of earlier samples were left running: up to ${most}`);
        } finally {
          await prober.close();
        }
        await until(() => stuckProcesses().length === 0, 20_000);
      });
    });
  }
}
