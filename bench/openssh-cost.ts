/**
 * What the OpenSSH transport costs the client, beside the built-in one: the
 * same real sshd on loopback (--hosts aliases spread over its addresses),
 * pvlook's real sampler and shell prober, one long-lived shell per host,
 * sampled every --interval for --seconds, once through each transport.
 *
 * Counted for each:
 * - connect: per host, from openShell to a running shell (for OpenSSH, until
 *   the shell echoed its ready line: ssh start, handshake, login, shell).
 * - CPU per sample while sampling: this process (process.cpuUsage) plus the
 *   live ssh processes' utime+stime from /proc/PID/stat, read at the start and
 *   end of the window while they still run (/proc/self/stat's cutime+cstime
 *   counts only children already reaped, so it would miss them).
 * - CPU per host to connect: the same sums from before the first connection
 *   until every host answered, plus reaped children (the `ssh -G` lookups).
 * - memory per host: the RSS and PSS of each ssh process (the built-in client's
 *   connections live in this process's heap: about 80 KB each, from the RSS
 *   of the fleet bench at 100 and 1,000 hosts; too small to see here).
 *
 *   npm run bench:openssh [-- --hosts 20 --seconds 10 --interval 0.5 --json]
 */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import type { HostSpec } from '../src/core/host-spec.js';
import { ShellProber } from '../src/probe/shell-prober.js';
import { OpenSshTransport } from '../src/transport/openssh-transport.js';
import { openSshResolver } from '../src/transport/ssh-settings.js';
import { SshTransport } from '../src/transport/ssh-transport.js';
import type { Transport } from '../src/transport/transport.js';
import { appendLines, makeLog, plan, sampler } from '../test/helpers/fleet.js';
import { startSshd, type Sshd } from '../test/helpers/sshd.js';
import { median, percentile, round } from './stats.js';
import { counting } from './counting-prober.js';

const { values } = parseArgs({
  options: { hosts: { type: 'string', default: '20' }, seconds: { type: 'string', default: '10' }, interval: { type: 'string', default: '0.5' }, json: { type: 'boolean', default: false } },
});
const hostCount = Number(values.hosts);
const seconds = Number(values.seconds);
const intervalMs = Number(values.interval) * 1000;
const say = (text: string) => {
  if (!values.json) process.stderr.write(text + '\n');
};
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, Math.max(0, ms)));

const TICK_MS = 1000 / 100;

/** utime+stime of one process, in ms; 0 once it is gone. */
function processCpuMs(pid: number): number {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return (Number(fields[11]) + Number(fields[12])) * TICK_MS;
  } catch {
    return 0;
  }
}

/**
 * Resident memory of one process, in MiB: RSS, and PSS (shared pages such as
 * libcrypto divided among the processes sharing them: what one more costs).
 */
function memoryMb(pid: number, field: 'Rss' | 'Pss'): number {
  try {
    const line = readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8').split('\n').find((row) => row.startsWith(`${field}:`));
    return Number(line?.split(/\s+/)[1] ?? 0) / 1024;
  } catch {
    return 0;
  }
}

/** This process's CPU, with its reaped children's (cutime+cstime), in ms. */
function selfCpuMs(): { own: number; reaped: number } {
  const usage = process.cpuUsage();
  const fields = readFileSync('/proc/self/stat', 'utf8').split(') ')[1]!.split(' ');
  return { own: (usage.user + usage.system) / 1000, reaped: (Number(fields[13]) + Number(fields[14])) * TICK_MS };
}

/** A transport that times each openShell, and a prober that counts answered samples. */
function instrumented(transport: Transport): { transport: Transport; connects: number[] } {
  const connects: number[] = [];
  return {
    connects,
    transport: {
      openShell: async (host: HostSpec, listeners, signal) => {
        const started = performance.now();
        const shell = await transport.openShell(host, listeners, signal);
        connects.push(performance.now() - started);
        return shell;
      },
      close: () => transport.close(),
    },
  };
}


/** ssh aliases c1..cN over the fixture's addresses, ahead of its own config (user, port, key, known_hosts). */
function aliasConfig(sshd: Sshd): { file: string; hosts: string[] } {
  const hosts = Array.from({ length: hostCount }, (_, i) => `c${i + 1}`);
  const file = path.join(sshd.dir, 'ssh_config.cost');
  const aliases = hosts.map((host, i) => `Host ${host}\n  HostName ${sshd.addresses[i % sshd.addresses.length]}\n`).join('');
  writeFileSync(file, aliases + readFileSync(sshd.sshConfig, 'utf8'));
  return { file, hosts };
}

async function measure(sshd: Sshd, which: 'builtin' | 'openssh') {
  const log = makeLog(sshd, `cost-${which}.log`, 100);
  const { file: configFile, hosts } = aliasConfig(sshd);
  const openssh = which === 'openssh' ? new OpenSshTransport({ configFile }) : null;
  const raw = openssh ?? new SshTransport({ resolveSettings: openSshResolver(configFile, sshd.dir), agentSocket: undefined });
  const { transport, connects } = instrumented(raw);
  const { prober, count } = counting(new ShellProber(transport));
  const sshPids = () => openssh?.stats().pids ?? [];
  const sshCpu = () => sshPids().reduce((sum, pid) => sum + processCpuMs(pid), 0);

  const beforeConnect = selfCpuMs();
  const s = sampler(hosts.map((host) => plan(host, log)), prober, 30_000);
  // One tick connects every host and takes its baseline; then one tick per interval.
  const connected = await s.sampleByHand(Date.now() + 60_000);
  const failed = connected.rows.filter((row) => row.status !== 'ok');
  if (failed.length > 0) throw new Error(`${which}: ${failed.length} hosts failed: ${failed[0]?.error}`);
  const afterConnect = selfCpuMs();
  const connectCpu = afterConnect.own - beforeConnect.own + (afterConnect.reaped - beforeConnect.reaped) + sshCpu();

  const writer = setInterval(() => appendLines(log, 5), 100);
  const cpuBefore = selfCpuMs();
  const sshBefore = sshCpu();
  const samplesBefore = count();
  const started = Date.now();
  for (let tick = 1; tick * intervalMs <= seconds * 1000; tick++) {
    await sleep(started + tick * intervalMs - Date.now());
    const rows = (await s.sampleByHand(Date.now() + 30_000)).rows;
    const bad = rows.find((row) => row.status !== 'ok');
    if (bad) throw new Error(`${which}: ${bad.host} ${bad.status} ${bad.error}`);
  }
  const cpuAfter = selfCpuMs();
  const sshAfter = sshCpu();
  const samples = count() - samplesBefore;
  clearInterval(writer);
  const sshRss = sshPids().map((pid) => memoryMb(pid, 'Rss'));
  const sshPss = sshPids().map((pid) => memoryMb(pid, 'Pss'));
  await s.stop();

  const pvlookMs = cpuAfter.own - cpuBefore.own;
  const sshMs = sshAfter - sshBefore + (cpuAfter.reaped - cpuBefore.reaped);
  return {
    samples,
    cpu_ms_per_sample: round((pvlookMs + sshMs) / samples, 3),
    cpu_ms_per_sample_pvlook: round(pvlookMs / samples, 3),
    cpu_ms_per_sample_ssh: round(sshMs / samples, 3),
    connect_ms_median: round(median(connects), 1),
    connect_ms_p90: round(percentile(connects, 90), 1),
    connect_cpu_ms_per_host: round(connectCpu / hostCount, 2),
    ssh_rss_mb_per_host: sshRss.length ? round(median(sshRss), 2) : 0,
    ssh_pss_mb_per_host: sshPss.length ? round(median(sshPss), 2) : 0,
    ssh_processes: sshRss.length,
  };
}

// sshd listens on at most 16 sockets; a few addresses are enough to spread the aliases.
const sshd = await startSshd({ hostCount: 4 });
try {
  say(`${hostCount} hosts on loopback, ${seconds} s each way, a sample per host every ${intervalMs} ms`);
  const builtin = await measure(sshd, 'builtin');
  say(`builtin: ${JSON.stringify(builtin)}`);
  const openssh = await measure(sshd, 'openssh');
  say(`openssh: ${JSON.stringify(openssh)}`);
  const ratios = {
    cpu_per_sample: round(openssh.cpu_ms_per_sample / builtin.cpu_ms_per_sample, 2),
    connect_median: round(openssh.connect_ms_median / builtin.connect_ms_median, 2),
    connect_cpu_per_host: round(openssh.connect_cpu_ms_per_host / builtin.connect_cpu_ms_per_host, 2),
  };
  say(`openssh ÷ builtin: ${JSON.stringify(ratios)}`);
  if (values.json) process.stdout.write(JSON.stringify({ hosts: hostCount, seconds, interval_ms: intervalMs, builtin, openssh, ratios }, null, 2) + '\n');
} finally {
  await sshd.stop();
}
