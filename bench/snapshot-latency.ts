/**
 * What a user waits for a fleet far away: the wall time of `pvlook --json`
 * (one snapshot, as typed, process start included) for 1 host and for N
 * hosts behind R ms of round trip, and a short watch at the same distance.
 * Real OpenSSH sshd on loopback behind the latency proxy (one proxy address
 * per host, so every host is its own destination); every host reads the same
 * log, written at an exact rate, so every rate can be checked.
 *
 *   npm run bench:snapshot [-- --hosts 1,150 --rtt-ms 300 --runs 3 --rate 200]
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { appendFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { startSshd } from '../test/helpers/sshd.js';
import { makeLog } from '../test/helpers/fleet.js';
import { startLatencyProxy } from '../test/helpers/latency-proxy.js';
import { median, round } from './stats.js';

const { values } = parseArgs({
  options: {
    hosts: { type: 'string', default: '1,150' },
    'rtt-ms': { type: 'string', default: '300' },
    runs: { type: 'string', default: '3' },
    rate: { type: 'string', default: '200' },
    'watch-views': { type: 'string', default: '8' },
  },
});
const sizes = values.hosts.split(',').map(Number);
const rttMs = Number(values['rtt-ms']);
const rate = Number(values.rate);
const largest = Math.max(...sizes);
const repo = path.join(import.meta.dirname, '..');

interface JsonLine {
  hosts: { host: string; status: string; rate: number | null }[];
}

const sshd = await startSshd({ hostCount: 1 });
const proxy = await startLatencyProxy({
  addresses: Array.from({ length: largest }, (_, i) => `127.5.${Math.floor(i / 250)}.${(i % 250) + 1}`),
  target: { host: sshd.addresses[0]!, port: sshd.port },
  delayMs: rttMs / 2,
});
const log = makeLog(sshd, 'far.log');
const writer: ChildProcess = spawn(process.execPath, ['--import', import.meta.resolve('tsx'), path.join(repo, 'bench/writer.ts'), log, String(rate)], { stdio: 'ignore' });
appendFileSync(sshd.knownHosts, `pvlook-far ${sshd.hostKeyPublic}\n`);
const names = Array.from({ length: largest }, (_, i) => `far${i + 1}`);
const sshConfig = path.join(sshd.dir, 'ssh_config.far');
writeFileSync(
  sshConfig,
  names.map((name, i) => `Host ${name}\n  HostName ${proxy.addresses[i]}\n  Port ${proxy.port}\n  HostKeyAlias pvlook-far\n`).join('') +
    `Host *\n  User ${sshd.user}\n  IdentityFile ${path.join(sshd.dir, 'id_ed25519')}\n  UserKnownHostsFile ${sshd.knownHosts}\n  GlobalKnownHostsFile /dev/null\n`,
);

/** Run the pvlook command as a user would; resolve with its wall time and output lines. */
function pvlook(args: string[]): Promise<{ ms: number; lines: JsonLine[]; code: number | null }> {
  const started = Date.now();
  const child = spawn(process.execPath, ['--import', import.meta.resolve('tsx'), path.join(repo, 'src/bin.ts'), '--json', '-F', sshConfig, '-l', log, ...args], {
    cwd: sshd.dir,
    env: { PATH: process.env.PATH, HOME: sshd.dir },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let out = '';
  child.stdout!.on('data', (chunk: Buffer) => (out += chunk.toString()));
  return new Promise((resolve) => {
    child.once('close', (code) => resolve({ ms: Date.now() - started, lines: out.trim().split('\n').filter(Boolean).map((line) => JSON.parse(line) as JsonLine), code }));
  });
}

const errorPct = (line: JsonLine) => Math.max(...line.hosts.map((host) => (host.rate === null ? Infinity : (Math.abs(host.rate - rate) / rate) * 100)));

try {
  // Let the writer settle to its rate.
  await new Promise((resolve) => setTimeout(resolve, 1500));
  const snapshots: Record<string, unknown>[] = [];
  for (const count of sizes) {
    const runs = [];
    for (let r = 0; r < Number(values.runs); r++) {
      const { ms, lines, code } = await pvlook(names.slice(0, count));
      const line = lines[0]!;
      runs.push({ ms, notOk: line.hosts.filter((host) => host.status !== 'ok').length, maxErrorPct: errorPct(line), code });
      process.stderr.write(`snapshot of ${count} at ${rttMs} ms: ${JSON.stringify(runs.at(-1))}\n`);
    }
    snapshots.push({
      hosts: count,
      wall_ms: median(runs.map((run) => run.ms)),
      hosts_not_ok: Math.max(...runs.map((run) => run.notOk)),
      max_rate_error_pct: round(Math.max(...runs.map((run) => run.maxErrorPct)), 2),
    });
  }
  const views = Number(values['watch-views']);
  const watch = await pvlook(['--count', String(views), ...names.slice(0, largest)]);
  const summary = {
    rtt_ms: rttMs,
    rate_lines_per_s: rate,
    snapshots,
    snapshot_ratio: round((snapshots.at(-1)!.wall_ms as number) / (snapshots[0]!.wall_ms as number), 2),
    watch: {
      hosts: largest,
      views,
      not_ok_per_view: watch.lines.map((line) => line.hosts.filter((host) => host.status !== 'ok').length),
      without_rate_per_view: watch.lines.map((line) => line.hosts.filter((host) => host.rate === null).length),
      max_rate_error_pct_from_view_4: round(Math.max(...watch.lines.slice(3).map(errorPct)), 2),
    },
  };
  console.log(JSON.stringify(summary, null, 2));
} finally {
  writer.kill();
  await proxy.close();
  await sshd.stop();
}
