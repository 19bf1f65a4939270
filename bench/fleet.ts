/**
 * The fleet benchmark: pvlook's real sampler, prober and SSH transport (the
 * code the CLI runs) against a simulated fleet of N hosts in a separate
 * process, each host its own loopback destination, optionally behind a
 * latency proxy. Side by side, in the same run:
 * - the exec floor: bare ssh2 clients on open connections, one exec of
 *   pvlook's shell per host per tick, nothing else (what a sample cost when
 *   every sample opened a channel);
 * - the connect floor: bare ssh2 clients opening every connection at once;
 * - pvlook with `--session exec` (a new shell per sample);
 * - OpenSSH: `ssh host /bin/sh -s` per host per tick, through a
 *   ControlMaster or with a fresh connection each time (on a few hosts).
 *
 *   npm run bench -- --hosts 100,1000 --seconds 20 [--rtt-ms 300] [--runs 3] [--json] [--no-compare]
 *   npm run bench -- --hosts 5000 --groups 50 --peers-cost --no-compare --runs 3
 *
 * `--peers-cost` runs pvlook with the peer comparison on and off, alternately,
 * in the same run (hosts in `--groups` groups), and times the comparison of
 * one view by itself.
 *
 * pvlook runs as the CLI does: every host on its own schedule. Measured over
 * `--seconds` once every host has answered: client CPU per sample, samples
 * per host per second, and at every interval a view (as the live view draws
 * one) counting hosts that are not ok or have no rate.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import ssh2 from 'ssh2';
import { parseHostSpec, type HostSpec } from '../src/core/host-spec.js';
import { DEFAULT_TREND } from '../src/core/trend.js';
import { DEFAULT_PEER_OPTIONS } from '../src/core/peer-compare.js';
import { peerVerdicts } from '../src/core/peers.js';
import type { HostPlan } from '../src/config/config.js';
import type { SessionMode } from '../src/core/session-mode.js';
import { ShellProber } from '../src/probe/shell-prober.js';
import { SHELL_PRELUDE } from '../src/probe/shell-prelude.js';
import { answerEnd, decodeAnswer, encodeRequest, newTag } from '../src/probe/wire.js';
import { SHELL_COMMAND } from '../src/core/shell-command.js';
import { Sampler } from '../src/sampler/sampler.js';
import { SshTransport } from '../src/transport/ssh-transport.js';
import { openSshResolver, type SshSettings } from '../src/transport/ssh-settings.js';
import { median, percentile, round } from './stats.js';
import { Session } from 'node:inspector/promises';
import { counting } from './counting-prober.js';

const { values } = parseArgs({
  options: {
    hosts: { type: 'string', default: '100,1000' },
    seconds: { type: 'string', default: '20' },
    interval: { type: 'string', default: '1' },
    'rtt-ms': { type: 'string', default: '0' },
    json: { type: 'boolean', default: false },
    'no-compare': { type: 'boolean', default: false },
    'compare-hosts': { type: 'string', default: '20' },
    'fleet-workers': { type: 'string', default: '1' },
    runs: { type: 'string', default: '1' },
    // Hosts in this many groups (pools of peers), host i in group i mod N.
    groups: { type: 'string', default: '1' },
    // pvlook with and without the peer comparison, alternately, same fleet.
    'peers-cost': { type: 'boolean', default: false },
    // Resolve every host with `ssh -G`, as the CLI does, instead of handing the settings over.
    'ssh-g': { type: 'boolean', default: false },
    // Write a CPU profile of pvlook's steady state (the measured window only) to this file.
    profile: { type: 'string' },
  },
});
const sizes = values.hosts.split(',').map(Number);
const groups = Math.max(1, Number(values.groups));
const seconds = Number(values.seconds);
const intervalMs = Number(values.interval) * 1000;
const rttMs = Number(values['rtt-ms']);
const LOG = '/var/log/nginx/access.log';
const HOSTS_PER_ADDRESS = 4;
const HOST_KEY_ALIAS = 'pvlook-bench';
const hostName = (i: number) => `h${String(i + 1).padStart(5, '0')}`;
const log = (text: string) => {
  if (!values.json) process.stderr.write(text + '\n');
};

interface Fleet {
  port: number;
  addresses: string[];
  dir: string;
  child: ChildProcess;
}

async function startFleet(count: number): Promise<Fleet> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'pvlook-bench-'));
  const script = path.join(import.meta.dirname, 'sim-fleet.ts');
  const child = spawn(process.execPath, ['--import', import.meta.resolve('tsx'), script, String(count), dir, values['fleet-workers'], String(rttMs / 2)], { stdio: ['ignore', 'pipe', 'inherit'] });
  const line = await new Promise<string>((resolve, reject) => {
    createInterface({ input: child.stdout! }).once('line', resolve);
    child.once('exit', (code) => reject(new Error(`fleet exited ${code}`)));
  });
  const { port, addresses } = JSON.parse(line) as { port: number; addresses: string[] };
  return { port, addresses, dir, child };
}

function stopFleet(fleet: Fleet): void {
  fleet.child.kill('SIGKILL');
  rmSync(fleet.dir, { recursive: true, force: true });
}

const address = (fleet: Fleet, i: number) => fleet.addresses[Math.floor(i / HOSTS_PER_ADDRESS)]!;

const cpuMs = () => {
  const usage = process.cpuUsage();
  return (usage.user + usage.system) / 1000;
};

/** CPU of finished child processes (ssh clients), from /proc: cutime + cstime. */
function childCpuMs(): number {
  const fields = readFileSync('/proc/self/stat', 'utf8').split(') ')[1]!.split(' ');
  return ((Number(fields[13]) + Number(fields[14])) / 100) * 1000;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, Math.max(0, ms)));


/** pvlook itself: the CLI's sampler, prober and transport, every host on its own schedule. */
async function runPvlook(fleet: Fleet, count: number, session: SessionMode, peers = true) {
  const settings = (label: string): SshSettings => ({
    hostname: address(fleet, Number(label.slice(1)) - 1),
    port: fleet.port,
    user: label,
    identityFiles: [path.join(fleet.dir, 'id_ed25519')],
    knownHostsFiles: [path.join(fleet.dir, 'known_hosts')],
    hostKeyAlias: HOST_KEY_ALIAS,
    proxyJump: null,
    proxyCommand: null,
    hashKnownHosts: false,
  });
  const sshConfig = path.join(fleet.dir, 'ssh_config.pvlook');
  writeFileSync(
    sshConfig,
    Array.from({ length: count }, (_, i) => `Host ${hostName(i)}\n  HostName ${address(fleet, i)}\n`).join('') +
      `Host *\n  Port ${fleet.port}\n  HostKeyAlias ${HOST_KEY_ALIAS}\n  IdentityFile ${path.join(fleet.dir, 'id_ed25519')}\n  UserKnownHostsFile ${path.join(fleet.dir, 'known_hosts')}\n`,
  );
  const resolveSettings = values['ssh-g'] ? openSshResolver(sshConfig) : async (spec: HostSpec) => settings(spec.label);
  const transport = new SshTransport({ resolveSettings, agentSocket: undefined });
  const { prober, count: answered } = counting(new ShellProber(transport, () => session));
  // user@host: with ssh -G the login name (the simulated host) comes from the spec.
  const plans: HostPlan[] = Array.from({ length: count }, (_, i) => ({ spec: parseHostSpec(values['ssh-g'] ? `${hostName(i)}@${hostName(i)}` : hostName(i)), session, watches: [{ group: `g${i % groups}`, log: LOG, patterns: [] }] }));
  const peerOptions = () => (peers ? DEFAULT_PEER_OPTIONS : null);
  const sampler = new Sampler(plans, prober, { parallel: 10_000, timeoutMs: 30_000, intervalMs, trend: DEFAULT_TREND, peers: peerOptions });
  const started = Date.now();
  sampler.start();
  await sampler.waitForSamples(1, started + 120_000);
  const connectMs = Date.now() - started;
  // Two more intervals so every host has a rate, then measure.
  await sleep(2 * intervalMs);
  const profiler = values.profile && session === 'shell' ? new Session() : null;
  if (profiler) {
    profiler.connect();
    await profiler.post('Profiler.enable');
    await profiler.post('Profiler.start');
  }
  const cpuBefore = cpuMs();
  const samplesBefore = answered();
  const first = Date.now();
  const views: { notOk: number; noRate: number; oldestMs: number }[] = [];
  for (let view = 1; view * intervalMs <= seconds * 1000; view++) {
    await sleep(first + view * intervalMs - Date.now());
    const snapshot = sampler.snapshot();
    views.push({
      notOk: snapshot.total.stale + snapshot.total.failed,
      noRate: snapshot.rows.filter((row) => row.rate === null).length,
      oldestMs: Math.max(...snapshot.rows.map((row) => (row.age ?? Infinity) * 1000)),
    });
  }
  const elapsed = Date.now() - first;
  const cpu = cpuMs() - cpuBefore;
  const samples = answered() - samplesBefore;
  // The comparison of one view on its own, outside the measured window: what it adds to each interval.
  const rows = sampler.snapshot().rows;
  const peerStart = performance.now();
  for (let i = 0; i < 20; i++) peerVerdicts(rows, () => DEFAULT_PEER_OPTIONS);
  const peerMsPerView = (performance.now() - peerStart) / 20;
  if (profiler) {
    const { profile } = await profiler.post('Profiler.stop');
    writeFileSync(values.profile!, JSON.stringify(profile));
    profiler.disconnect();
  }
  const result = {
    cpu_ms_per_sample: round(cpu / samples, 4),
    peer_ms_per_view: round(peerMsPerView, 3),
    odd_logs: sampler.snapshot().total.odd,
    samples_per_host_per_s: round(samples / count / (elapsed / 1000), 3),
    connect_ms: connectMs,
    views_with_a_host_not_ok: views.filter((view) => view.notOk > 0).length,
    views_with_a_host_without_rate: views.filter((view) => view.noRate > 0).length,
    oldest_reading_p99_ms: round(percentile(views.map((view) => view.oldestMs), 99), 0),
    rss_mb: round(process.memoryUsage().rss / 2 ** 20, 1),
    fds: readdirSync('/proc/self/fd').length,
  };
  await sampler.stop();
  return result;
}

/** `count` bare ssh2 clients, all connecting at once; resolves when all are ready. */
async function connectAll(fleet: Fleet, count: number): Promise<ssh2.Client[]> {
  const key = readFileSync(path.join(fleet.dir, 'id_ed25519'));
  return Promise.all(
    Array.from({ length: count }, (_, i) => new Promise<ssh2.Client>((resolve, reject) => {
      const client = new ssh2.Client();
      client.once('ready', () => {
        client.setNoDelay(true);
        resolve(client);
      });
      client.once('error', reject);
      client.connect({ host: address(fleet, i), port: fleet.port, username: hostName(i), privateKey: key, hostVerifier: () => true, readyTimeout: 120_000 });
    })),
  );
}

/** The connect floor: bare ssh2 clients opening every connection at once, nothing checked. */
async function runConnectFloor(fleet: Fleet, count: number) {
  const started = Date.now();
  const clients = await connectAll(fleet, count);
  const connectMs = Date.now() - started;
  clients.forEach((client) => client.end());
  return { connect_ms: connectMs };
}

/** The exec floor: bare ssh2 clients, one exec of pvlook's shell per host per tick, nothing else. */
async function runExecFloor(fleet: Fleet, count: number) {
  const clients = await connectAll(fleet, count);
  const exec = (client: ssh2.Client) =>
    new Promise<void>((resolve, reject) => {
      client.exec(SHELL_COMMAND, (error, stream) => {
        if (error) return reject(error);
        const tag = newTag();
        let out = '';
        stream.on('data', (chunk: Buffer) => (out += chunk.toString('latin1')));
        stream.on('close', () => {
          if (answerEnd(out, tag) !== -1) decodeAnswer(out, tag, 1);
          resolve();
        });
        stream.end(SHELL_PRELUDE + encodeRequest(tag, [{ path: LOG, previous: null }]));
      });
    });
  const ticks = Math.max(3, Math.round((seconds * 1000) / intervalMs));
  const cpuBefore = cpuMs();
  const first = Date.now();
  for (let tick = 1; tick <= ticks; tick++) {
    await Promise.all(clients.map(exec));
    await sleep(first + tick * intervalMs - Date.now());
  }
  const cpu = cpuMs() - cpuBefore;
  clients.forEach((client) => client.end());
  return { cpu_ms_per_sample: round(cpu / (count * ticks), 4) };
}

/** OpenSSH: `ssh host /bin/sh -s` per host per tick, through a ControlMaster or with a fresh connection each time. */
async function runOpenSsh(fleet: Fleet, count: number, mode: 'controlmaster' | 'fresh', rounds: number) {
  const config = path.join(fleet.dir, `ssh_config.${mode}`);
  const control = mode === 'controlmaster' ? ['  ControlMaster auto', `  ControlPath ${fleet.dir}/cm-%r`, '  ControlPersist 60'] : ['  ControlMaster no', '  ControlPath none'];
  writeFileSync(
    config,
    [
      ...Array.from({ length: count }, (_, i) => [`Host ${hostName(i)}`, `  HostName ${address(fleet, i)}`]).flat(),
      'Host *',
      `  Port ${fleet.port}`,
      `  IdentityFile ${path.join(fleet.dir, 'id_ed25519')}`,
      '  IdentitiesOnly yes',
      `  HostKeyAlias ${HOST_KEY_ALIAS}`,
      `  UserKnownHostsFile ${path.join(fleet.dir, 'known_hosts')}`,
      '  StrictHostKeyChecking yes',
      '  BatchMode yes',
      '  LogLevel ERROR',
      ...control,
    ].join('\n') + '\n',
  );
  const once = (i: number) =>
    new Promise<void>((resolve, reject) => {
      const tag = newTag();
      const child = spawn('ssh', ['-F', config, '-l', hostName(i), hostName(i), SHELL_COMMAND], { stdio: ['pipe', 'pipe', 'inherit'] });
      let out = '';
      child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString('latin1')));
      child.on('close', (code) => (code === 0 ? (decodeAnswer(out, tag, 1), resolve()) : reject(new Error(`ssh exited ${code}`))));
      child.stdin.end(SHELL_PRELUDE + encodeRequest(tag, [{ path: LOG, previous: null }]));
    });
  const tick = async () => {
    // At most 16 ssh processes at once, as a parallel-ssh tool would.
    let next = 0;
    await Promise.all(Array.from({ length: Math.min(16, count) }, async () => {
      while (next < count) await once(next++);
    }));
  };
  if (mode === 'controlmaster') await tick(); // start the masters
  const before = cpuMs() + childCpuMs();
  for (let r = 0; r < rounds; r++) await tick();
  const cpu = cpuMs() + childCpuMs() - before;
  if (mode === 'controlmaster') for (let i = 0; i < count; i++) spawnSync('ssh', ['-F', config, '-l', hostName(i), '-O', 'exit', hostName(i)], { stdio: 'ignore' });
  return { cpu_ms_per_sample: round(cpu / (count * rounds), 3) };
}

/** Run `measure` R times and take the median of every numeric field. */
async function medianOf<T extends Record<string, number>>(what: string, measure: () => Promise<T>): Promise<T> {
  const runs: T[] = [];
  for (let r = 1; r <= Number(values.runs); r++) {
    runs.push(await measure());
    log(`  ${what} run ${r}: ${JSON.stringify(runs.at(-1))}`);
  }
  const first = runs[0]!;
  // Memory is the one figure a later run in the same process inflates (the earlier
  // runs' garbage is not all returned to the system), so it comes from the first run.
  return Object.fromEntries(Object.keys(first).map((key) => [key, key === 'rss_mb' ? first[key]! : median(runs.map((run) => run[key]!))])) as T;
}

const results = [];
for (const count of sizes) {
  log(`${count} hosts${rttMs ? ` ${rttMs} ms away` : ''}: starting the simulated fleet…`);
  const fleet = await startFleet(count);
  try {
    log(`${count} hosts: pvlook, ${seconds} s at ${intervalMs / 1000} s intervals…`);
    const pvlook = await medianOf('pvlook', () => runPvlook(fleet, count, 'shell'));
    const row: Record<string, unknown> = { hosts: count, groups, rtt_ms: rttMs, ...pvlook };
    if (values['peers-cost']) {
      // Off and on alternately, so a change in the machine's load falls on both alike.
      const off: number[] = [];
      const on: number[] = [];
      for (let r = 1; r <= Number(values.runs); r++) {
        off.push((await runPvlook(fleet, count, 'shell', false)).cpu_ms_per_sample);
        on.push((await runPvlook(fleet, count, 'shell', true)).cpu_ms_per_sample);
        log(`  peers off ${off.at(-1)} ms/sample, on ${on.at(-1)} ms/sample`);
      }
      const without = median(off);
      const withPeerStep = median(on);
      row.peers_cost = {
        cpu_ms_per_sample_without: without,
        cpu_ms_per_sample_with: withPeerStep,
        added_percent: round(((withPeerStep - without) / without) * 100, 1),
        // The comparison's own time per view over the CPU of the samples in one interval.
        step_percent_of_interval_cpu: round((pvlook.peer_ms_per_view / (without * count * (pvlook.samples_per_host_per_s * (intervalMs / 1000)))) * 100, 2),
      };
    }
    if (!values['no-compare']) {
      log(`${count} hosts: pvlook --session exec…`);
      const exec = await medianOf('pvlook exec', () => runPvlook(fleet, count, 'exec'));
      log(`${count} hosts: floors (bare ssh2)…`);
      const floor = await medianOf('exec floor', () => runExecFloor(fleet, count));
      const connect = await medianOf('connect floor', () => runConnectFloor(fleet, count));
      const few = Math.min(count, Number(values['compare-hosts']));
      log(`${few} hosts: OpenSSH ControlMaster and fresh connections…`);
      const master = await medianOf('controlmaster', () => runOpenSsh(fleet, few, 'controlmaster', 3));
      const fresh = await medianOf('fresh connection', () => runOpenSsh(fleet, few, 'fresh', 2));
      row.compare = {
        floor_cpu_ms_per_sample: floor.cpu_ms_per_sample,
        floor_connect_ms: connect.connect_ms,
        exec_session_cpu_ms_per_sample: exec.cpu_ms_per_sample,
        controlmaster_cpu_ms_per_sample: master.cpu_ms_per_sample,
        fresh_connection_cpu_ms_per_sample: fresh.cpu_ms_per_sample,
        pvlook_over_floor: round(pvlook.cpu_ms_per_sample / floor.cpu_ms_per_sample, 2),
        exec_session_over_floor: round(exec.cpu_ms_per_sample / floor.cpu_ms_per_sample, 2),
        connect_over_floor: round(pvlook.connect_ms / connect.connect_ms, 2),
        controlmaster_over_pvlook: round(master.cpu_ms_per_sample / pvlook.cpu_ms_per_sample, 1),
        fresh_connection_over_pvlook: round(fresh.cpu_ms_per_sample / pvlook.cpu_ms_per_sample, 1),
        openssh_hosts: few,
      };
    }
    results.push(row);
  } finally {
    stopFleet(fleet);
  }
}
console.log(values.json ? JSON.stringify({ results }) : JSON.stringify({ results }, null, 2));
