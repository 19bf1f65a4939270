/**
 * A fleet behind one bastion that is far away (a delay proxy in front of it),
 * each host its own destination behind it, against real OpenSSH sshd: every
 * host answers, through either client; a host queued behind pvlook's own
 * handshake limit is shown connecting and never reported as timed out; the
 * OpenSSH client logs in to the bastion once for all of them.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { startSshd, type Sshd } from '../helpers/sshd.js';
import { startLatencyProxy, type LatencyProxy } from '../helpers/latency-proxy.js';
import { appendLines, makeLog, plan } from '../helpers/fleet.js';
import { runCli } from '../helpers/run-cli.js';
import { Sampler } from '../../src/sampler/sampler.js';
import { ShellProber } from '../../src/probe/shell-prober.js';
import { SshTransport } from '../../src/transport/ssh-transport.js';
import { openSshResolver } from '../../src/transport/ssh-settings.js';
import { DEFAULT_TREND } from '../../src/core/trend.js';

const TARGETS = 9;
let sshd: Sshd;
let proxy: LatencyProxy;
let sshConfig: string;
let log: string;
let writer: NodeJS.Timeout;
const targets = Array.from({ length: TARGETS }, (_, i) => `t${i + 1}`);

before(async () => {
  // Address 1 is the bastion, 2.. the hosts behind it.
  sshd = await startSshd({ hostCount: TARGETS + 1 });
  log = makeLog(sshd, 'access.log', 10);
  writer = setInterval(() => appendLines(log, 3), 20);
  const far = sshd.addresses[0]!.replace(/\.(\d+)$/, (_, n: string) => `.${(Number(n) + 100) % 250 + 2}`);
  proxy = await startLatencyProxy({ addresses: [far], target: { host: sshd.addresses[0]!, port: sshd.port }, delayMs: 100 });
  const knownHosts = path.join(sshd.dir, 'known_hosts.bastion');
  writeFileSync(knownHosts, readFileSync(sshd.knownHosts, 'utf8') + `[${far}]:${proxy.port} ${sshd.hostKeyPublic}\n`);
  sshConfig = path.join(sshd.dir, 'ssh_config.bastion');
  writeFileSync(
    sshConfig,
    [
      'Host bastion', `  HostName ${far}`, `  Port ${proxy.port}`,
      ...targets.flatMap((name, i) => [`Host ${name}`, `  HostName ${sshd.addresses[i + 1]}`, `  Port ${sshd.port}`, '  ProxyJump bastion']),
      'Host *', `  User ${sshd.user}`, `  IdentityFile ${path.join(sshd.dir, 'id_ed25519')}`, `  UserKnownHostsFile ${knownHosts}`, '  GlobalKnownHostsFile /dev/null',
    ].join('\n') + '\n',
  );
});
after(async () => {
  clearInterval(writer);
  await proxy?.close();
  await sshd?.stop();
});

/** Logins sshd accepted on one of its addresses (sshd names the address on the "Connection from" line only). */
function logins(address: string): number {
  const lines = sshd.log().split('\n');
  const ports = new Set(lines.map((line) => / port (\d+) on (\S+) port /.exec(line)).filter((m) => m?.[2] === address).map((m) => m![1]));
  return lines.filter((line) => /Accepted publickey .* port (\d+) /.exec(line) && ports.has(/ port (\d+) /.exec(line)![1])).length;
}

test('built-in client: hosts queued behind the handshake limit are connecting, never timeout, and all answer', async () => {
  // One handshake at a time, fleet-wide, and 4 s per host: the last hosts wait far longer than 4 s for their turn.
  const transport = new SshTransport({ resolveSettings: openSshResolver(sshConfig, sshd.dir), agentSocket: undefined, maxHandshakes: 1 });
  const timeoutMs = 4000;
  const sampler = new Sampler(targets.map((name) => plan(name, log)), new ShellProber(transport), { parallel: 1000, timeoutMs, intervalMs: 500, trend: DEFAULT_TREND });
  const seen = new Set<string>();
  const watcher = setInterval(() => {
    for (const row of sampler.snapshot().rows) {
      if (row.error?.startsWith('connecting: queued behind')) seen.add('queued');
      seen.add(row.status);
    }
  }, 20);
  try {
    sampler.start(2);
    await sampler.waitForSamplesPatiently(2, Date.now() + 500 + 2 * timeoutMs + 1000, 2 * timeoutMs + 1000);
    const rows = sampler.snapshot(0).rows;
    assert.deepEqual(rows.map((row) => [row.host, row.status]), targets.map((name) => [name, 'ok']), JSON.stringify(rows.filter((row) => row.status !== 'ok')));
    assert.ok(rows.every((row) => row.rate !== null));
    assert.ok(seen.has('queued'), 'a host was shown waiting for its turn');
    assert.ok(!seen.has('timeout'), 'no host was ever reported as timed out');
    // The targets are distinct destinations behind one shared bastion connection.
    assert.deepEqual(transport.stats(), { connections: TARGETS + 1, channels: TARGETS });
  } finally {
    clearInterval(watcher);
    await sampler.stop();
  }
});

test('OpenSSH client: one snapshot of every host behind the bastion, which sees one login from pvlook', async () => {
  const before = logins(sshd.addresses[0]!);
  const result = await runCli(['-F', sshConfig, '-l', log, '--json', '--timeout', '20', '--transport', 'openssh', ...targets], { cwd: sshd.dir, env: { HOME: sshd.dir } });
  const hosts = (JSON.parse(result.stdout) as { hosts: { host: string; status: string; rate: number | null; error: string | null }[] }).hosts;
  assert.deepEqual(hosts.map((row) => [row.host, row.status]), targets.map((name) => [name, 'ok']), result.stdout);
  assert.ok(hosts.every((row) => row.rate !== null));
  assert.equal(result.code, 0);
  assert.equal(logins(sshd.addresses[0]!) - before, 1, 'the bastion saw one login for all the hosts behind it');
});

test('OpenSSH client: the bastion master does not outlive a pvlook that is killed', async () => {
  const { spawnPvlook } = await import('../helpers/pvlook-command.js');
  const { jsonLinesUntil } = await import('../helpers/json-lines.js');
  const { until } = await import('../helpers/until.js');
  const { execFileSync } = await import('node:child_process');
  const masters = () => {
    try {
      // The ssh master itself (its supervising sh has the same command line).
      const pids = execFileSync('pgrep', ['-f', `${sshConfig}.*ControlMaster=yes`], { encoding: 'utf8' }).trim().split('\n').filter(Boolean);
      return pids.filter((pid) => readFileSync(`/proc/${pid}/comm`, 'utf8').trim() === 'ssh').length;
    } catch {
      return 0;
    }
  };
  const child = spawnPvlook(['-F', sshConfig, '-l', log, '--watch', '--json', '-n', '0.5', '--timeout', '20', '--transport', 'openssh', ...targets.slice(0, 3)], { cwd: sshd.dir, env: { PATH: process.env.PATH, HOME: sshd.dir } });
  await jsonLinesUntil<{ total: { ok: number } }>(child, (line) => line.total.ok === 3);
  assert.equal(masters(), 1, 'one master for the three hosts behind the bastion');
  child.kill('SIGKILL');
  await until(() => masters() === 0, 20_000);
});
