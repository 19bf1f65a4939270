/**
 * A fleet 300 ms away: real OpenSSH sshd behind a proxy that delays every
 * byte 150 ms each way, one proxy address per host (distinct destinations,
 * as real servers are). A snapshot and a watch, as a user runs them.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { appendFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { startSshd, type Sshd } from '../helpers/sshd.js';
import { makeLog } from '../helpers/fleet.js';
import { startLatencyProxy, type LatencyProxy } from '../helpers/latency-proxy.js';
import { runCli } from '../helpers/run-cli.js';
import { repoRoot, spawnPvlook } from '../helpers/pvlook-command.js';
import { jsonLinesUntil } from '../helpers/json-lines.js';

const HOSTS = 24;
const ONE_WAY_MS = 150;
let sshd: Sshd;
let proxy: LatencyProxy;
let log: string;
let writer: ChildProcess;
let sshConfig: string;
const names = Array.from({ length: HOSTS }, (_, i) => `far${i + 1}`);

before(async () => {
  sshd = await startSshd({ hostCount: 1 });
  proxy = await startLatencyProxy({
    addresses: names.map((_, i) => `127.3.${Math.floor(i / 200)}.${(i % 200) + 1}`),
    target: { host: sshd.addresses[0]!, port: sshd.port },
    delayMs: ONE_WAY_MS,
  });
  log = makeLog(sshd, 'far.log');
  // A steady 200 lines/s, exact over time.
  writer = spawn(process.execPath, ['--import', import.meta.resolve('tsx'), path.join(repoRoot, 'bench/writer.ts'), log, '200'], { stdio: 'ignore' });
  // Every host reaches the same sshd through its own proxy address; they share one known host key.
  appendFileSync(sshd.knownHosts, `pvlook-far ${sshd.hostKeyPublic}\n`);
  sshConfig = path.join(sshd.dir, 'ssh_config.far');
  writeFileSync(
    sshConfig,
    names.map((name, i) => `Host ${name}\n  HostName ${proxy.addresses[i]}\n  Port ${proxy.port}\n  HostKeyAlias pvlook-far\n`).join('') +
      `Host *\n  User ${sshd.user}\n  IdentityFile ${path.join(sshd.dir, 'id_ed25519')}\n  UserKnownHostsFile ${sshd.knownHosts}\n  GlobalKnownHostsFile /dev/null\n`,
  );
});
after(async () => {
  writer?.kill();
  await proxy?.close();
  await sshd?.stop();
});

interface JsonLine {
  hosts: { host: string; status: string; rate: number | null; error: string | null }[];
}

test('a snapshot of a fleet 300 ms away: every host answers with its own full window, none stale', async () => {
  const result = await runCli(['--json', '-F', sshConfig, '-l', log, ...names], { cwd: sshd.dir, env: { HOME: sshd.dir } });
  assert.equal(result.code, 0, result.stdout + result.stderr);
  const line = JSON.parse(result.stdout) as JsonLine;
  assert.deepEqual(line.hosts.map((host) => [host.host, host.status, host.error]), names.map((name) => [name, 'ok', null]));
  // Every host has a rate of its own window: one interval after its own first reading, however late it connected.
  for (const host of line.hosts) assert.ok(host.rate !== null && host.rate > 0, `${host.host}: ${host.rate}`);
});

test('watching a fleet 300 ms away: once a host has its first rate it has one on every later view, never stale', async () => {
  // Read views until every host has had a rate on three views in a row (connecting 24 hosts may take
  // a while on a busy machine: that is waited for, not timed).
  const pvlook = spawnPvlook(['--watch', '--json', '-F', sshConfig, '-l', log, ...names], { cwd: sshd.dir, env: { PATH: process.env.PATH, HOME: sshd.dir } });
  const streak = new Array<number>(names.length).fill(0);
  let lines: JsonLine[];
  try {
    lines = await jsonLinesUntil<JsonLine>(pvlook, (line) => {
      line.hosts.forEach((host, h) => (streak[h] = host.rate !== null ? streak[h]! + 1 : 0));
      return streak.every((views) => views >= 3);
    }, 120);
  } finally {
    pvlook.kill('SIGTERM');
  }
  const shown = lines.map((line, i) => `${i + 1}: ${line.hosts.map((host) => (host.status === 'ok' ? (host.rate === null ? 'o' : 'R') : host.status[0])).join('')}`).join('\n');
  // A sample takes one round trip (300 ms) of a 1 s interval: once going, no host is ever stale or without a rate.
  names.forEach((name, h) => {
    const first = lines.findIndex((line) => line.hosts[h]!.rate !== null);
    for (const line of lines.slice(first)) assert.deepEqual([line.hosts[h]!.status, line.hosts[h]!.rate !== null], ['ok', true], `${name}\n${shown}`);
  });
});
