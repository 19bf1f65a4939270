/**
 * What a user waits for a fleet far away: the wall time of one snapshot,
 * process start included, for 1 host and for N hosts, with pvlook (built-in
 * and OpenSSH client) and with the tools a user would pick instead, run on
 * the same fleet in the same run: parallel-ssh and ClusterShell (one
 * `wc -l; sleep 1; wc -l` per host), and the ssh one-liner for one host.
 *
 * Two fleets, both real OpenSSH sshd on loopback behind the latency proxy:
 * - direct: every host its own proxy address, R ms of round trip away;
 * - bastion: one bastion R ms away, and the hosts behind it near it (each its
 *   own address behind a zero-delay proxy), reached with ProxyJump.
 * Every host reads the same log, written at an exact rate, so pvlook's rates
 * can be checked. pvlook runs from dist/ (the installed build; built first if
 * missing). Medians of --runs; the ratios mean more than the times.
 *
 *   npm run bench:snapshot [-- --hosts 1,150 --rtt-ms 300 --runs 3 --rate 200 --fleets direct,bastion]
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { appendFileSync, existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { startSshd } from '../test/helpers/sshd.js';
import { makeLog } from '../test/helpers/fleet.js';
import { startLatencyProxy, type LatencyProxy } from '../test/helpers/latency-proxy.js';
import { median, round } from './stats.js';

const { values } = parseArgs({
  options: {
    hosts: { type: 'string', default: '1,150' },
    'rtt-ms': { type: 'string', default: '300' },
    runs: { type: 'string', default: '3' },
    rate: { type: 'string', default: '200' },
    fleets: { type: 'string', default: 'direct,bastion' },
    tools: { type: 'string', default: 'pvlook,pvlook-openssh,parallel-ssh,clush,ssh' },
    'watch-views': { type: 'string', default: '8' },
  },
});
const sizes = values.hosts.split(',').map(Number);
const rttMs = Number(values['rtt-ms']);
const rate = Number(values.rate);
const runs = Number(values.runs);
const largest = Math.max(...sizes);
const fleets = values.fleets.split(',') as ('direct' | 'bastion')[];
const tools = new Set(values.tools.split(','));
const repo = path.join(import.meta.dirname, '..');
const bin = path.join(repo, 'dist/bin.js');
if (!existsSync(bin)) spawnSync('npm', ['run', 'build'], { cwd: repo, stdio: 'inherit' });

interface JsonLine {
  hosts: { host: string; status: string; rate: number | null }[];
}

const sshd = await startSshd({ hostCount: 1 });
const target = { host: sshd.addresses[0]!, port: sshd.port };
const addresses = (prefix: string) => Array.from({ length: largest }, (_, i) => `${prefix}.${Math.floor(i / 250)}.${(i % 250) + 1}`);
const direct = await startLatencyProxy({ addresses: addresses('127.5'), target, delayMs: rttMs / 2 });
const bastion = await startLatencyProxy({ addresses: ['127.6.0.1'], target, delayMs: rttMs / 2 });
const behind = await startLatencyProxy({ addresses: addresses('127.7'), target, delayMs: 0 });
const log = makeLog(sshd, 'far.log');
const writer: ChildProcess = spawn(process.execPath, ['--import', import.meta.resolve('tsx'), path.join(repo, 'bench/writer.ts'), log, String(rate)], { stdio: 'ignore' });
appendFileSync(sshd.knownHosts, `pvlook-far ${sshd.hostKeyPublic}\n`);
const names = { direct: Array.from({ length: largest }, (_, i) => `far${i + 1}`), bastion: Array.from({ length: largest }, (_, i) => `bh${i + 1}`) };
const sshConfig = path.join(sshd.dir, 'ssh_config.far');
writeFileSync(
  sshConfig,
  names.direct.map((name, i) => `Host ${name}\n  HostName ${direct.addresses[i]}\n  Port ${direct.port}\n`).join('') +
    `Host bastion\n  HostName ${bastion.addresses[0]}\n  Port ${bastion.port}\n` +
    names.bastion.map((name, i) => `Host ${name}\n  HostName ${behind.addresses[i]}\n  Port ${behind.port}\n  ProxyJump bastion\n`).join('') +
    `Host *\n  HostKeyAlias pvlook-far\n  User ${sshd.user}\n  IdentityFile ${path.join(sshd.dir, 'id_ed25519')}\n  UserKnownHostsFile ${sshd.knownHosts}\n  GlobalKnownHostsFile /dev/null\n  BatchMode yes\n`,
);
const command = `wc -l < ${log}; sleep 1; wc -l < ${log}`;
const env = { PATH: process.env.PATH, HOME: sshd.dir };

interface Run {
  ms: number;
  notOk: number;
  maxErrorPct: number | null;
  /** CPU of the sshd serving every login, children included (ms) */
  sshdCpuMs: number;
  /** round trips through the proxy the fleet sits behind */
  roundTrips: number;
}

/** Run a command to its end; wall time and what it printed. */
function timed(program: string, args: string[]): Promise<{ ms: number; out: string; code: number | null }> {
  const started = performance.now();
  const child = spawn(program, args, { cwd: sshd.dir, env, stdio: ['ignore', 'pipe', 'ignore'] });
  let out = '';
  child.stdout!.on('data', (chunk: Buffer) => (out += chunk.toString()));
  return new Promise((resolve) => child.once('close', (code) => resolve({ ms: performance.now() - started, out, code })));
}

const errorPct = (line: JsonLine) => Math.max(...line.hosts.map((host) => (host.rate === null ? Infinity : (Math.abs(host.rate - rate) / rate) * 100)));

/** What each tool is asked: one snapshot of `hosts`; how many of them did not answer. */
const runners: Record<string, (hosts: string[]) => Promise<{ ms: number; notOk: number; maxErrorPct: number | null }>> = {
  pvlook: (hosts) => pvlook(hosts, []),
  'pvlook-openssh': (hosts) => pvlook(hosts, ['--transport', 'openssh']),
  'parallel-ssh': async (hosts) => {
    const file = path.join(sshd.dir, 'pssh-hosts');
    writeFileSync(file, hosts.join('\n') + '\n');
    const { ms, out } = await timed('parallel-ssh', ['-p', String(hosts.length), '-t', '60', '-i', '-h', file, '-x', `-F ${sshConfig}`, command]);
    return { ms, notOk: hosts.length - (out.match(/\[SUCCESS\]/g)?.length ?? 0), maxErrorPct: null };
  },
  clush: async (hosts) => {
    const { ms, out } = await timed('clush', ['-f', String(hosts.length), '-u', '60', '-w', hosts.join(','), '-o', `-F ${sshConfig}`, command]);
    // Two counts per host that answered, each on its own "host: N" line.
    const answered = new Set(out.split('\n').map((line) => /^(\S+): \d+$/.exec(line)?.[1]).filter(Boolean));
    return { ms, notOk: hosts.length - answered.size, maxErrorPct: null };
  },
  ssh: async (hosts) => {
    const { ms, code } = await timed('ssh', ['-F', sshConfig, hosts[0]!, command]);
    return { ms, notOk: code === 0 ? 0 : 1, maxErrorPct: null };
  },
};

async function pvlook(hosts: string[], extra: string[]): Promise<{ ms: number; notOk: number; maxErrorPct: number | null }> {
  const { ms, out } = await timed(process.execPath, [bin, '--json', '-F', sshConfig, '-l', log, ...extra, ...hosts]);
  const line = JSON.parse(out) as JsonLine;
  return { ms, notOk: line.hosts.filter((host) => host.status !== 'ok').length, maxErrorPct: errorPct(line) };
}

/** utime+stime+cutime+cstime of sshd and everything below it, in ms: reaped children are in cutime. */
function sshdCpuMs(): number {
  const ticks = (pid: number) => {
    try {
      const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').replace(/^.*\) /, '').split(' ');
      return [11, 12, 13, 14].reduce((sum, index) => sum + Number(fields[index]), 0);
    } catch {
      return 0;
    }
  };
  const root = sshd.process.pid!;
  const tree = [root];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const ppid = Number(readFileSync(`/proc/${entry}/stat`, 'utf8').replace(/^.*\) /, '').split(' ')[1]);
      if (ppid === root) tree.push(Number(entry));
    } catch {
      // gone
    }
  }
  return tree.reduce((sum, pid) => sum + ticks(pid), 0) * 10;
}

try {
  // Let the writer settle to its rate.
  await new Promise((resolve) => setTimeout(resolve, 1500));
  const report: Record<string, unknown> = { rtt_ms: rttMs, rate_lines_per_s: rate, runs };
  for (const fleet of fleets) {
    const proxy: LatencyProxy = fleet === 'direct' ? direct : bastion;
    const results: Record<string, Record<number, Run[]>> = {};
    for (const count of sizes) {
      for (let r = 0; r < runs; r++) {
        // Interleaved, so a slow moment of the machine is shared out.
        for (const tool of tools) {
          if (tool === 'ssh' && count !== 1) continue;
          const cpu = sshdCpuMs();
          const trips = proxy.roundTrips();
          const result = await runners[tool]!(names[fleet].slice(0, count));
          const run = { ...result, sshdCpuMs: sshdCpuMs() - cpu, roundTrips: proxy.roundTrips() - trips };
          ((results[tool] ??= {})[count] ??= []).push(run);
          process.stderr.write(`${fleet} ${tool} ${count}: ${JSON.stringify(run)}\n`);
        }
      }
    }
    const summary: Record<string, unknown> = {};
    for (const [tool, bySize] of Object.entries(results)) {
      summary[tool] = Object.fromEntries(
        Object.entries(bySize).map(([count, list]) => [
          `${count}_hosts`,
          {
            wall_ms: Math.round(median(list.map((run) => run.ms))),
            hosts_not_ok_worst_run: Math.max(...list.map((run) => run.notOk)),
            ...(list[0]!.maxErrorPct !== null ? { max_rate_error_pct: round(Math.max(...list.map((run) => run.maxErrorPct!)), 2) } : {}),
            sshd_cpu_ms: Math.round(median(list.map((run) => run.sshdCpuMs))),
            ...(Number(count) === 1 ? { round_trips: median(list.map((run) => run.roundTrips)) } : {}),
          },
        ]),
      );
    }
    const wall = (tool: string, count: number) => (results[tool]?.[count] ? median(results[tool][count].map((run) => run.ms)) : null);
    const ratios: Record<string, number | null> = {};
    for (const tool of Object.keys(results)) {
      const one = wall(tool, 1);
      const many = wall(tool, largest);
      if (one !== null && many !== null && largest !== 1) ratios[`${tool}_${largest}_over_1`] = round(many / one, 2);
    }
    const anchors = [wall('parallel-ssh', largest), wall('clush', largest)].filter((ms) => ms !== null);
    if (anchors.length > 0 && wall('pvlook', largest) !== null) ratios[`pvlook_over_faster_of_pssh_clush_at_${largest}`] = round(wall('pvlook', largest)! / Math.min(...anchors), 2);
    if (wall('ssh', 1) !== null && wall('pvlook', 1) !== null) ratios.pvlook_over_ssh_one_liner_at_1 = round(wall('pvlook', 1)! / wall('ssh', 1)!, 2);
    report[fleet] = { ...summary, ratios };
  }
  if (fleets.includes('bastion') && tools.has('pvlook')) {
    const views = Number(values['watch-views']);
    const { out } = await timed(process.execPath, [bin, '--json', '--count', String(views), '-F', sshConfig, '-l', log, ...names.bastion]);
    const lines = out.trim().split('\n').filter(Boolean).map((line) => JSON.parse(line) as JsonLine);
    report.bastion_watch = {
      hosts: largest,
      views,
      not_ok_per_view: lines.map((line) => line.hosts.filter((host) => host.status !== 'ok').length),
      without_rate_per_view: lines.map((line) => line.hosts.filter((host) => host.rate === null).length),
      max_rate_error_pct_from_view_4: round(Math.max(...lines.slice(3).map(errorPct)), 2),
    };
  }
  console.log(JSON.stringify(report, null, 2));
} finally {
  writer.kill();
  await Promise.all([direct.close(), bastion.close(), behind.close()]);
  await sshd.stop();
}
