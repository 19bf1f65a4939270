/**
 * The fleet benchmark: pvlook's real sampler and SSH transport (the code the
 * CLI runs) against a simulated fleet of N hosts in a separate process, side
 * by side with the floor (a bare ssh2 exec loop on open connections) and the
 * alternatives a user would reach for (OpenSSH ControlMaster exec per host per
 * tick, and a fresh ssh connection per host per tick).
 *
 *   npm run bench -- --hosts 100,1000 --ticks 20 --interval 1 [--runs 3] [--json] [--no-compare]
 *
 * With --runs R every measurement is repeated R times and the medians are
 * reported (each run connects afresh).
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import ssh2 from 'ssh2';
import { parseHostSpec, type HostSpec } from '../src/core/host-spec.js';
import { openSshResolver } from '../src/transport/ssh-settings.js';
import { buildProbeScript, parseProbeOutput, PROBE_COMMAND } from '../src/core/probe.js';
import { DEFAULT_TREND } from '../src/core/trend.js';
import { Sampler } from '../src/sampler/sampler.js';
import { SshTransport } from '../src/transport/ssh-transport.js';
import type { SshSettings } from '../src/transport/ssh-settings.js';
import { median, percentile, round } from './stats.js';

const { values } = parseArgs({
  options: {
    hosts: { type: 'string', default: '100,1000' },
    ticks: { type: 'string', default: '20' },
    interval: { type: 'string', default: '1' },
    parallel: { type: 'string', default: '1000' },
    json: { type: 'boolean', default: false },
    'no-compare': { type: 'boolean', default: false },
    'compare-hosts': { type: 'string', default: '20' },
    'fleet-workers': { type: 'string', default: '1' },
    runs: { type: 'string', default: '1' },
    // Resolve every host with `ssh -G`, as the CLI does, instead of handing the settings over.
    'ssh-g': { type: 'boolean', default: false },
  },
});
const sizes = values.hosts.split(',').map(Number);
const ticks = Number(values.ticks);
const intervalMs = Number(values.interval) * 1000;
const parallel = Number(values.parallel);
const LOG = '/var/log/nginx/access.log';
const hostName = (i: number) => `h${String(i + 1).padStart(5, '0')}`;
const log = (text: string) => {
  if (!values.json) process.stderr.write(text + '\n');
};

interface Fleet {
  port: number;
  dir: string;
  child: ChildProcess;
}

async function startFleet(count: number): Promise<Fleet> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'pvlook-bench-'));
  const child = spawn(process.execPath, ['--import', import.meta.resolve('tsx'), path.join(import.meta.dirname, 'sim-fleet.ts'), String(count), dir, values['fleet-workers']], { stdio: ['ignore', 'pipe', 'inherit'] });
  const line = await new Promise<string>((resolve, reject) => {
    createInterface({ input: child.stdout! }).once('line', resolve);
    child.once('exit', (code) => reject(new Error(`fleet exited ${code}`)));
  });
  return { port: (JSON.parse(line) as { port: number }).port, dir, child };
}

function stopFleet(fleet: Fleet): void {
  fleet.child.kill('SIGKILL');
  rmSync(fleet.dir, { recursive: true, force: true });
}

const cpuMs = () => {
  const usage = process.cpuUsage();
  return (usage.user + usage.system) / 1000;
};

/** CPU of finished child processes (ssh clients), from /proc: cutime + cstime. */
function childCpuMs(): number {
  const fields = readFileSync('/proc/self/stat', 'utf8').split(') ')[1]!.split(' ');
  const ticksPerSecond = 100;
  return ((Number(fields[13]) + Number(fields[14])) / ticksPerSecond) * 1000;
}

async function sleepUntil(time: number): Promise<void> {
  const wait = time - Date.now();
  if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
}

/** pvlook itself: the CLI's sampler and transport. */
async function runPvlook(fleet: Fleet, count: number) {
  const settings = (label: string): SshSettings => ({
    hostname: '127.0.0.1',
    port: fleet.port,
    user: label,
    identityFiles: [path.join(fleet.dir, 'id_ed25519')],
    knownHostsFiles: [path.join(fleet.dir, 'known_hosts')],
    hostKeyAlias: null,
    proxyJump: null,
    proxyCommand: null,
    hashKnownHosts: false,
  });
  const sshConfig = path.join(fleet.dir, 'ssh_config.pvlook');
  writeFileSync(sshConfig, `Host *\n  HostName 127.0.0.1\n  Port ${fleet.port}\n  IdentityFile ${path.join(fleet.dir, 'id_ed25519')}\n  UserKnownHostsFile ${path.join(fleet.dir, 'known_hosts')}\n`);
  const resolveSettings = values['ssh-g'] ? openSshResolver(sshConfig) : async (spec: HostSpec) => settings(spec.label);
  const transport = new SshTransport({ resolveSettings, agentSocket: undefined });
  // user@host: with ssh -G the login name (the simulated host) comes from the spec.
  const plans = Array.from({ length: count }, (_, i) => ({ spec: parseHostSpec(values['ssh-g'] ? `${hostName(i)}@${hostName(i)}` : hostName(i)), watches: [{ group: 'bench', log: LOG, patterns: [] }] }));
  const sampler = new Sampler(plans, transport, { parallel, timeoutMs: 30_000, intervalMs, trend: DEFAULT_TREND });
  const started = Date.now();
  // Connect: tick until every host has answered once.
  while ((await sampler.tick(Date.now() + 60_000)).total.ok < count) {
    if (Date.now() - started > 120_000) throw new Error('hosts did not all connect within 120 s');
  }
  const connectMs = Date.now() - started;
  const rounds: number[] = [];
  let skipped = 0;
  let notOk = 0;
  const cpuBefore = cpuMs();
  const first = Date.now();
  for (let tick = 1; tick <= ticks; tick++) {
    const deadline = first + tick * intervalMs;
    const begin = Date.now();
    const snapshot = await sampler.tick(deadline);
    rounds.push(Date.now() - begin);
    notOk += snapshot.total.stale + snapshot.total.failed;
    if (Date.now() > deadline) skipped++;
    await sleepUntil(deadline);
  }
  const cpu = cpuMs() - cpuBefore;
  const result = {
    cpu_ms_per_host_tick: round(cpu / (count * ticks), 4),
    round_p50_ms: round(median(rounds), 1),
    round_p99_ms: round(percentile(rounds, 99), 1),
    connect_ms: connectMs,
    rss_mb: round(process.memoryUsage().rss / 2 ** 20, 1),
    fds: readdirSync('/proc/self/fd').length,
    ticks_over_interval: skipped,
    samples_not_ok: notOk,
  };
  await transport.close();
  return result;
}

/** The floor: bare ssh2 clients, one exec per host per tick, nothing else. */
async function runFloor(fleet: Fleet, count: number) {
  const key = readFileSync(path.join(fleet.dir, 'id_ed25519'));
  const clients = await Promise.all(
    Array.from({ length: count }, (_, i) => new Promise<ssh2.Client>((resolve, reject) => {
      const client = new ssh2.Client();
      client.once('ready', () => {
        client.setNoDelay(true);
        resolve(client);
      });
      client.once('error', reject);
      client.connect({ host: '127.0.0.1', port: fleet.port, username: hostName(i), privateKey: key, hostVerifier: () => true });
    })),
  );
  const script = buildProbeScript([{ path: LOG, previous: null }]);
  const exec = (client: ssh2.Client) =>
    new Promise<void>((resolve, reject) => {
      client.exec(PROBE_COMMAND, (error, stream) => {
        if (error) return reject(error);
        let out = '';
        stream.on('data', (chunk: Buffer) => (out += chunk));
        stream.on('close', () => {
          parseProbeOutput(out, 1);
          resolve();
        });
        stream.end(script);
      });
    });
  const cpuBefore = cpuMs();
  const first = Date.now();
  for (let tick = 1; tick <= ticks; tick++) {
    await Promise.all(clients.map(exec));
    await sleepUntil(first + tick * intervalMs);
  }
  const cpu = cpuMs() - cpuBefore;
  clients.forEach((client) => client.end());
  return { cpu_ms_per_host_tick: round(cpu / (count * ticks), 4) };
}

/** OpenSSH: `ssh host /bin/sh -s` per host per tick, through a ControlMaster or with a fresh connection each time. */
async function runOpenSsh(fleet: Fleet, count: number, mode: 'controlmaster' | 'fresh', rounds: number) {
  const config = path.join(fleet.dir, `ssh_config.${mode}`);
  const control = mode === 'controlmaster' ? ['  ControlMaster auto', `  ControlPath ${fleet.dir}/cm-%r`, '  ControlPersist 60'] : ['  ControlMaster no', '  ControlPath none'];
  writeFileSync(
    config,
    ['Host *', '  HostName 127.0.0.1', `  Port ${fleet.port}`, `  IdentityFile ${path.join(fleet.dir, 'id_ed25519')}`, '  IdentitiesOnly yes', `  UserKnownHostsFile ${path.join(fleet.dir, 'known_hosts')}`, '  StrictHostKeyChecking yes', '  BatchMode yes', '  LogLevel ERROR', ...control].join('\n') + '\n',
  );
  const script = buildProbeScript([{ path: LOG, previous: null }]);
  const once = (i: number) =>
    new Promise<void>((resolve, reject) => {
      const child = spawn('ssh', ['-F', config, '-l', hostName(i), 'fleet', PROBE_COMMAND], { stdio: ['pipe', 'pipe', 'inherit'] });
      let out = '';
      child.stdout.on('data', (chunk: Buffer) => (out += chunk));
      child.on('close', (code) => (code === 0 ? (parseProbeOutput(out, 1), resolve()) : reject(new Error(`ssh exited ${code}`))));
      child.stdin.end(script);
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
  if (mode === 'controlmaster') for (let i = 0; i < count; i++) spawnSync('ssh', ['-F', config, '-l', hostName(i), '-O', 'exit', 'fleet'], { stdio: 'ignore' });
  return { cpu_ms_per_host_tick: round(cpu / (count * rounds), 3) };
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
  log(`${count} hosts: starting the simulated fleet…`);
  const fleet = await startFleet(count);
  try {
    log(`${count} hosts: pvlook, ${ticks} ticks at ${intervalMs / 1000} s…`);
    const pvlook = await medianOf('pvlook', () => runPvlook(fleet, count));
    const row: Record<string, unknown> = { hosts: count, ...pvlook };
    if (!values['no-compare']) {
      log(`${count} hosts: floor (bare ssh2)…`);
      const floor = await medianOf('floor', () => runFloor(fleet, count));
      const few = Math.min(count, Number(values['compare-hosts']));
      log(`${few} hosts: OpenSSH ControlMaster and fresh connections…`);
      const master = await medianOf('controlmaster', () => runOpenSsh(fleet, few, 'controlmaster', 3));
      const fresh = await medianOf('fresh connection', () => runOpenSsh(fleet, few, 'fresh', 2));
      row.compare = {
        floor_cpu_ms_per_host_tick: floor.cpu_ms_per_host_tick,
        controlmaster_cpu_ms_per_host_tick: master.cpu_ms_per_host_tick,
        fresh_connection_cpu_ms_per_host_tick: fresh.cpu_ms_per_host_tick,
        pvlook_over_floor: round(pvlook.cpu_ms_per_host_tick / floor.cpu_ms_per_host_tick, 2),
        controlmaster_over_pvlook: round(master.cpu_ms_per_host_tick / pvlook.cpu_ms_per_host_tick, 1),
        fresh_connection_over_pvlook: round(fresh.cpu_ms_per_host_tick / pvlook.cpu_ms_per_host_tick, 1),
        openssh_hosts: few,
      };
    }
    results.push(row);
  } finally {
    stopFleet(fleet);
  }
}
console.log(values.json ? JSON.stringify({ results }) : JSON.stringify({ results }, null, 2));
