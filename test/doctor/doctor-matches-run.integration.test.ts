/**
 * Doctor and a run agree, setup by setup, against real sshd: for each way a
 * host can be (healthy, a key unknown, changed or revoked, a host key
 * trusted only through a CA, a bastion trusted only through a CA, a
 * ProxyCommand, a user certificate, sudo with and without a rule, a log
 * missing or unreadable, a closed port, a refused login), a snapshot's row
 * and pvlook doctor say the same: ok and ok, or the row's failure and the
 * doctor step that owns it.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { chmodSync, chownSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { closedPort, removeUser, startSshd, type Sshd } from '../helpers/sshd.js';
import { makeLog } from '../helpers/fleet.js';
import { runCli } from '../helpers/run-cli.js';

const SUDOER = 'pvlook-msudo';
const ASKER = 'pvlook-msudopw';
let plain: Sshd;
let signed: Sshd;
let config: string;
let log: string;
let rootOnly: string;
let sudoers: string;
const keys = mkdtempSync(path.join(os.tmpdir(), 'pvlook-matrix-'));
const keygen = (...args: string[]) => execFileSync('ssh-keygen', ['-q', ...args], { stdio: 'ignore' });

before(async () => {
  const hostCa = path.join(keys, 'host_ca');
  const userCa = path.join(keys, 'user_ca');
  const certKey = path.join(keys, 'id_cert');
  for (const key of [hostCa, userCa, certKey]) keygen('-t', 'ed25519', '-N', '', '-f', key);
  plain = await startSshd({ hostCount: 2, extraUsers: [SUDOER, ASKER] });
  signed = await startSshd({
    hostCount: 2,
    prepare: (dir, addresses) => void keygen('-s', hostCa, '-I', 'matrix-host', '-h', '-n', addresses.join(','), path.join(dir, 'host_ed25519.pub')),
    extraConfig: ['HostCertificate {DIR}/host_ed25519-cert.pub', `TrustedUserCAKeys ${userCa}.pub`],
  });
  keygen('-s', userCa, '-I', 'matrix-user', '-n', signed.user, `${certKey}.pub`);
  log = makeLog(plain, 'access.log', 5);
  // The signed server's log, at the same path on this one machine.
  rootOnly = path.join(plain.logDir, 'root-only.log');
  writeFileSync(rootOnly, 'GET / 200\n');
  chownSync(rootOnly, 0, 0);
  chmodSync(rootOnly, 0o600);
  const rules = `${SUDOER} ALL=(root) NOPASSWD: /bin/sh -s\n${ASKER} ALL=(root) /bin/sh -s\n`;
  sudoers = `/etc/sudoers.d/pvlook-matrix-${path.basename(plain.dir).replace(/[^A-Za-z0-9_-]/g, '')}`;
  writeFileSync(sudoers, rules, { mode: 0o440 });
  execFileSync('visudo', ['-c', '-q', '-f', sudoers]);

  const otherKey = path.join(keys, 'other_host');
  keygen('-t', 'ed25519', '-N', '', '-f', otherKey);
  const other = readFileSync(`${otherKey}.pub`, 'utf8').split(' ').slice(0, 2).join(' ');
  const name = (sshd: Sshd, i: number) => `[${sshd.addresses[i]}]:${sshd.port}`;
  const knownHosts = (file: string, text: string) => {
    writeFileSync(path.join(keys, file), text);
    return path.join(keys, file);
  };
  const plainKeys = readFileSync(plain.knownHosts, 'utf8');
  const caLine = `@cert-authority ${signed.addresses.map((address) => `[${address}]:${signed.port}`).join(',')} ${readFileSync(`${hostCa}.pub`, 'utf8').split(' ').slice(0, 2).join(' ')}\n`;
  const dead = await closedPort();
  // The setup's own lines first: ssh_config takes the first value it finds.
  const block = (alias: string, sshd: Sshd, i: number, extra: string[]) => [`Host ${alias}`, ...extra.map((line) => `  ${line}`), `  HostName ${sshd.addresses[i]}`, `  Port ${sshd.port}`];
  config = path.join(keys, 'ssh_config');
  writeFileSync(
    config,
    [
      ...block('healthy', plain, 0, []),
      ...block('unknown', plain, 0, [`UserKnownHostsFile ${knownHosts('kh.empty', '')}`]),
      ...block('changed', plain, 0, [`UserKnownHostsFile ${knownHosts('kh.changed', `${name(plain, 0)} ${other}\n`)}`]),
      ...block('revoked', plain, 0, [`UserKnownHostsFile ${knownHosts('kh.revoked', `${plainKeys}@revoked * ${plain.hostKeyPublic}\n`)}`]),
      ...block('ca-only', signed, 0, [`User ${signed.user}`, `IdentityFile ${path.join(signed.dir, 'id_ed25519')}`, `UserKnownHostsFile ${knownHosts('kh.ca', caLine)}`]),
      // A bastion known only through the CA: auto sends the host behind it to OpenSSH too.
      ...block('ca-bastion', signed, 1, [`User ${signed.user}`, `IdentityFile ${path.join(signed.dir, 'id_ed25519')}`, `UserKnownHostsFile ${knownHosts('kh.mixed', caLine + plainKeys)}`]),
      ...block('behind-ca-bastion', plain, 1, ['ProxyJump ca-bastion', `UserKnownHostsFile ${path.join(keys, 'kh.mixed')}`]),
      ...block('proxy-command', plain, 1, [`ProxyCommand ssh -F ${plain.sshConfig} -W %h:%p h1`]),
      ...block('user-cert', signed, 0, [`User ${signed.user}`, `IdentityFile ${certKey}`, `CertificateFile ${certKey}-cert.pub`, `UserKnownHostsFile ${path.join(keys, 'kh.ca')}`]),
      ...block('closed', plain, 0, [`Port ${dead}`]),
      ...block('refused', plain, 0, ['User nobody']),
      'Host *',
      `  User ${plain.user}`,
      `  IdentityFile ${path.join(plain.dir, 'id_ed25519')}`,
      `  UserKnownHostsFile ${plain.knownHosts}`,
      '  GlobalKnownHostsFile /dev/null',
    ].join('\n') + '\n',
  );
});
after(async () => {
  if (sudoers) rmSync(sudoers, { force: true });
  await Promise.all([plain?.stop(), signed?.stop()]);
  for (const user of [SUDOER, ASKER]) removeUser(user);
  rmSync(keys, { recursive: true, force: true });
});

interface Case {
  host: string;
  log?: () => string;
  args?: string[];
  /** the row's status in a snapshot */
  row: string;
  /** the first doctor step that fails, or null when every step passes */
  step: string | null;
}

const cases: Case[] = [
  { host: 'healthy', row: 'ok', step: null },
  { host: 'unknown', row: 'hostkey', step: 'handshake' },
  { host: 'changed', row: 'hostkey', step: 'handshake' },
  { host: 'revoked', row: 'hostkey', step: 'handshake' },
  { host: 'ca-only', row: 'ok', step: null },
  { host: 'behind-ca-bastion', row: 'ok', step: null },
  { host: 'proxy-command', row: 'ok', step: null },
  { host: 'user-cert', row: 'ok', step: null },
  { host: `${SUDOER}@healthy`, log: () => rootOnly, args: ['--sudo'], row: 'ok', step: null },
  { host: `${ASKER}@healthy`, log: () => rootOnly, args: ['--sudo'], row: 'auth', step: 'sudo' },
  { host: 'healthy', log: () => path.join(plain.logDir, 'missing.log'), row: 'nolog', step: 'logs' },
  { host: 'healthy', log: () => rootOnly, row: 'noperm', step: 'logs' },
  { host: 'closed', row: 'refused', step: 'connect' },
  { host: 'refused', row: 'auth', step: 'login' },
];

for (const setup of cases) {
  const label = `${setup.host}${setup.args ? ` ${setup.args.join(' ')}` : ''}`;
  test(`doctor and a snapshot agree: ${label} (${setup.row}${setup.step ? `, ${setup.step}` : ''})`, async () => {
    const args = ['-F', config, '-l', setup.log?.() ?? log, '--timeout', '10', ...(setup.args ?? []), setup.host];
    const env = { HOME: keys };
    const [run, doctor] = await Promise.all([runCli(['--json', ...args], { cwd: keys, env }), runCli(['doctor', '--json', ...args], { cwd: keys, env })]);
    const row = (JSON.parse(run.stdout) as { hosts: { status: string; error: string | null }[] }).hosts[0]!;
    const steps = (JSON.parse(doctor.stdout) as { hosts: { ok: boolean; steps: { name: string; status: string; detail: string }[] }[] }).hosts[0]!;
    const failedStep = steps.steps.find((step) => step.status === 'failed') ?? null;
    assert.equal(row.status, setup.row, `the run: ${JSON.stringify(row)}`);
    assert.equal(failedStep?.name ?? null, setup.step, `doctor: ${JSON.stringify(steps.steps)}`);
    assert.equal(steps.ok, row.status === 'ok', 'doctor says ready exactly when the run samples the host');
    assert.equal(doctor.code, row.status === 'ok' ? 0 : 1);
  });
}
