/**
 * The OpenSSH transport against real sshd: what only OpenSSH can do (host
 * certificates trusted through @cert-authority, user certificates,
 * ProxyCommand) reached through `auto`, host keys still checked, and the
 * transport named outright with --transport.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startSshd, type Sshd } from '../helpers/sshd.js';
import { appendLines, makeLog, plan, sampler } from '../helpers/fleet.js';
import { firstSample, Schedule } from '../helpers/schedule.js';
import { runCli } from '../helpers/run-cli.js';
import { parseHostSpec } from '../../src/core/host-spec.js';
import { AutoTransport } from '../../src/transport/auto-transport.js';
import { OpenSshTransport } from '../../src/transport/openssh-transport.js';
import { openSshResolver } from '../../src/transport/ssh-settings.js';
import { SshTransport } from '../../src/transport/ssh-transport.js';
import { ShellProber } from '../../src/probe/shell-prober.js';
import { until } from '../helpers/until.js';

/** plain: the ordinary fixture (bastion and ProxyCommand target); signed: host key signed by the host CA, user CA trusted; other: host key signed by another CA */
let plain: Sshd;
let signed: Sshd;
let other: Sshd;
const keys = mkdtempSync(path.join(os.tmpdir(), 'pvlook-ca-'));
const hostCa = path.join(keys, 'host_ca');
const otherCa = path.join(keys, 'other_ca');
const userCa = path.join(keys, 'user_ca');
const certKey = path.join(keys, 'id_cert');

const keygen = (...args: string[]) => execFileSync('ssh-keygen', ['-q', ...args], { stdio: 'ignore' });
/** Sign the fixture's host key with `ca` for its addresses, and present the certificate. */
const signHostKey = (ca: string) => (dir: string, addresses: readonly string[]) => {
  keygen('-s', ca, '-I', 'pvlook-test-host', '-h', '-n', addresses.join(','), path.join(dir, 'host_ed25519.pub'));
};

before(async () => {
  for (const ca of [hostCa, otherCa, userCa, certKey]) keygen('-t', 'ed25519', '-N', '', '-C', 'pvlook-test', '-f', ca);
  plain = await startSshd({ hostCount: 2 });
  signed = await startSshd({ hostCount: 2, prepare: signHostKey(hostCa), extraConfig: ['HostCertificate {DIR}/host_ed25519-cert.pub', `TrustedUserCAKeys ${userCa}.pub`] });
  other = await startSshd({ hostCount: 1, prepare: signHostKey(otherCa), extraConfig: ['HostCertificate {DIR}/host_ed25519-cert.pub'] });
  // A user certificate for a key that no authorized_keys lists: only the user CA vouches for it.
  keygen('-s', userCa, '-I', 'pvlook-test-user', '-n', signed.user, `${certKey}.pub`);
});
after(async () => {
  await Promise.all([plain?.stop(), signed?.stop(), other?.stop()]);
  rmSync(keys, { recursive: true, force: true });
});

/** An ssh_config in `dir`, from Host blocks. */
function sshConfig(dir: string, name: string, lines: string[]): string {
  const file = path.join(dir, `ssh_config.${name}`);
  writeFileSync(file, lines.join('\n') + '\n');
  return file;
}

/** What main.ts builds, over one ssh config; each host's client is its plan's (`transport`), auto by default. */
function transport(configFile: string): AutoTransport {
  return new AutoTransport({
    builtin: new SshTransport({ resolveSettings: openSshResolver(configFile), agentSocket: undefined }),
    openssh: new OpenSshTransport({ configFile }),
    resolveSettings: openSshResolver(configFile),
    agentSocket: undefined,
  });
}

/** Two ticks: a baseline, then `lines` appended; the rows of the second. */
async function sampleTwice(t: AutoTransport, hosts: string[], log: string, lines = 5) {
  const s = new Schedule(sampler(hosts.map((host) => plan(host, log)), new ShellProber(t)));
  await s.step();
  appendLines(log, lines);
  return (await s.step()).rows;
}

/** Host aliases for the CA fixtures, whose known_hosts holds only a @cert-authority line for every loopback address. */
function caConfig(name: string): string {
  const knownHosts = path.join(signed.dir, `known_hosts.${name}`);
  writeFileSync(knownHosts, `@cert-authority [127.0.0.*]:* ${readFileSync(`${hostCa}.pub`, 'utf8').trim()}\n`);
  return sshConfig(signed.dir, name, [
    'Host signed',
    `  HostName ${signed.addresses[0]}`,
    `  Port ${signed.port}`,
    `  IdentityFile ${path.join(signed.dir, 'id_ed25519')}`,
    'Host other',
    `  HostName ${other.addresses[0]}`,
    `  Port ${other.port}`,
    `  IdentityFile ${path.join(other.dir, 'id_ed25519')}`,
    'Host *',
    `  User ${signed.user}`,
    `  UserKnownHostsFile ${knownHosts}`,
    '  GlobalKnownHostsFile /dev/null',
  ]);
}

test('a host known only through @cert-authority goes through OpenSSH and is sampled; a host certified by another CA is refused', async () => {
  const log = makeLog(signed, 'ca.log');
  writeFileSync(path.join(other.logDir, 'ca.log'), readFileSync(log));
  const t = transport(caConfig('ca'));
  try {
    const why = await t.choice(parseHostSpec('signed'));
    assert.deepEqual([why.transport, why.why], ['openssh', 'host key trusted only through @cert-authority in known_hosts']);
    const rows = await sampleTwice(t, ['signed', 'other'], log);
    assert.deepEqual([rows[0]?.status, rows[0]?.lines], ['ok', 5], rows[0]?.error ?? '');
    assert.equal(rows[1]?.status, 'hostkey');
    assert.match(rows[1]?.error ?? '', /^ssh to other failed: .*host key/i);
  } finally {
    await t.close();
  }
});

test('the built-in client cannot check a host certificate: transport builtin refuses that host', async () => {
  const log = makeLog(signed, 'ca-builtin.log');
  const t = transport(caConfig('ca-builtin'));
  try {
    const row = (await firstSample(sampler([{ ...plan('signed', log), transport: 'builtin' }], new ShellProber(t)))).rows[0]!;
    assert.equal(row.status, 'hostkey');
  } finally {
    await t.close();
  }
});

test('a user certificate trusted through TrustedUserCAKeys logs in through OpenSSH, with no authorized_keys entry for its key', async () => {
  const log = makeLog(signed, 'usercert.log');
  const cfg = sshConfig(signed.dir, 'usercert', [
    'Host certified',
    `  HostName ${signed.addresses[1]}`,
    `  Port ${signed.port}`,
    `  User ${signed.user}`,
    `  IdentityFile ${certKey}`,
    `  CertificateFile ${certKey}-cert.pub`,
    // Host keys by plain entries this time: only the user certificate needs OpenSSH.
    `  UserKnownHostsFile ${plainKnownHosts(signed)}`,
    '  GlobalKnownHostsFile /dev/null',
  ]);
  const t = transport(cfg);
  try {
    const why = await t.choice(parseHostSpec('certified'));
    assert.deepEqual([why.transport, why.why], ['openssh', `user certificate ${certKey}-cert.pub`]);
    const row = (await sampleTwice(t, ['certified'], log, 3))[0]!;
    assert.deepEqual([row.status, row.lines], ['ok', 3], row.error ?? '');
  } finally {
    await t.close();
  }
  // The same host through the built-in client: the bare key is not authorized.
  const builtin = transport(cfg);
  try {
    assert.equal((await firstSample(sampler([{ ...plan('certified', log), transport: 'builtin' }], new ShellProber(builtin)))).rows[0]?.status, 'auth');
  } finally {
    await builtin.close();
  }
});

/** known_hosts lines for the fixture's own host key (not its certificate), under a name ssh looks up. */
function plainKnownHosts(fixture: Sshd): string {
  const file = path.join(fixture.dir, 'known_hosts.plain');
  writeFileSync(file, fixture.addresses.map((address) => `[${address}]:${fixture.port} ${fixture.hostKeyPublic}`).join('\n') + '\n');
  return file;
}

/** The fixture's own config with h2 reached through `ProxyCommand ssh -W` via h1. */
function proxyConfig(name: string, knownHosts = plain.knownHosts): string {
  const base = readFileSync(plain.sshConfig, 'utf8').replace(`UserKnownHostsFile ${plain.knownHosts}`, `UserKnownHostsFile ${knownHosts}`);
  const file = path.join(plain.dir, `ssh_config.${name}`);
  writeFileSync(file, `Host h2\n  ProxyCommand ssh -F ${plain.sshConfig} -o BatchMode=yes -W %h:%p h1\n${base}`);
  return file;
}

test('a ProxyCommand host goes through OpenSSH, and its host key is still checked at the end of the tunnel', async () => {
  const log = makeLog(plain, 'proxy.log');
  const t = transport(proxyConfig('proxy'));
  try {
    const why = await t.choice(parseHostSpec('h2'));
    assert.equal(why.transport, 'openssh');
    assert.match(why.why, /^ProxyCommand ssh -F .* -W %h:%p h1$/);
    assert.equal((await t.choice(parseHostSpec('h1'))).transport, 'builtin');
    const rows = await sampleTwice(t, ['h2', 'h1'], log);
    assert.deepEqual(rows.map((row) => [row.status, row.lines]), [['ok', 5], ['ok', 5]], rows.map((row) => row.error).join('; '));
  } finally {
    await t.close();
  }
  // Another key on file for h2 (the bastion's own key is right): the tunnel works, the target is refused.
  const wrong = path.join(plain.dir, 'known_hosts.wrong-h2');
  const target = `[${plain.addresses[1]}]:${plain.port}`;
  writeFileSync(wrong, readFileSync(plain.knownHosts, 'utf8').replace(`${target} ${plain.hostKeyPublic}`, `${target} ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA`));
  assert.notEqual(readFileSync(wrong, 'utf8'), readFileSync(plain.knownHosts, 'utf8'));
  const refused = transport(proxyConfig('proxy-wrong', wrong));
  try {
    const row = (await firstSample(sampler([plan('h2', log)], new ShellProber(refused)))).rows[0]!;
    assert.equal(row.status, 'hostkey');
    assert.match(row.error ?? '', /REMOTE HOST IDENTIFICATION HAS CHANGED/);
  } finally {
    await refused.close();
  }
});

test('--transport openssh samples an ordinary host; --transport builtin refuses a ProxyCommand host and says what to use', async () => {
  const log = makeLog(plain, 'flag.log');
  appendLines(log, 10);
  const run = (...argv: string[]) => runCli(['--json', '-n', '0.3', '-l', log, ...argv], { cwd: plain.dir, env: { HOME: plain.dir } });
  const viaOpenSsh = await run('-F', plain.sshConfig, '--transport', 'openssh', 'h1');
  assert.equal(viaOpenSsh.code, 0, viaOpenSsh.stderr + viaOpenSsh.stdout);
  const row = (JSON.parse(viaOpenSsh.stdout) as { hosts: { status: string }[] }).hosts[0];
  assert.equal(row?.status, 'ok');

  const refused = await run('-F', proxyConfig('proxy-builtin'), '--transport', 'builtin', 'h2');
  assert.equal(refused.code, 1);
  const failed = (JSON.parse(refused.stdout) as { hosts: { status: string; error: string }[] }).hosts[0];
  assert.equal(failed?.status, 'error');
  assert.match(failed?.error ?? '', /ProxyCommand is not supported by the built-in client: use transport openssh/);
});

test('one long-lived ssh process per host: samples reuse it, a timeout ends it, and close leaves none behind', async () => {
  const log = makeLog(plain, 'long.log');
  const openssh = new OpenSshTransport({ configFile: plain.sshConfig });
  const t = new AutoTransport({ builtin: new SshTransport({ resolveSettings: openSshResolver(plain.sshConfig), agentSocket: undefined }), openssh, resolveSettings: openSshResolver(plain.sshConfig), agentSocket: undefined });
  try {
    const s = new Schedule(sampler([{ ...plan('h1', log), transport: 'openssh' }, { ...plan('h2', log), transport: 'openssh' }], new ShellProber(t), 1000));
    await s.step();
    const first = openssh.stats().pids;
    assert.equal(first.length, 2);
    for (let round = 0; round < 3; round++) {
      appendLines(log, 2);
      assert.deepEqual((await s.step()).rows.map((row) => [row.status, row.lines]), [['ok', 2], ['ok', 2]]);
    }
    assert.deepEqual(openssh.stats().pids.sort(), first.sort());
    // A frozen server: the sample's deadline passes, and the host's ssh process is ended, not left behind.
    plain.signal('SIGSTOP');
    try {
      assert.deepEqual((await s.step()).rows.map((row) => row.status), ['timeout', 'timeout']);
      await until(() => openssh.stats().processes === 0);
      await until(() => first.every((pid) => !alive(pid)));
    } finally {
      plain.signal('SIGCONT');
    }
  } finally {
    await t.close();
  }
  assert.equal(openssh.stats().processes, 0);
});

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

