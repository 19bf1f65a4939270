/**
 * Server CPU per sample, everything included: pvlook's real sampler, prober
 * and SSH transport against a real OpenSSH sshd on loopback (started here, as
 * the tests do; needs root for the login users).
 *
 * What is counted is every process below the sshd listener: the per-connection
 * sshd processes, the login shell, `/bin/sh -s` and the probe's programs. For
 * each, utime+stime+cutime+cstime from /proc/PID/stat; processes that exit
 * are reaped by their parent, so their time moves into its cutime/cstime and
 * the sum over the live tree loses nothing (a long-lived shell's cutime holds
 * the probes it has reaped). The tree is read once the connection (and, in
 * `shell` mode, the long-lived shell) exists after one warm-up sample, and again
 * after N back-to-back samples, each after appending a few lines so the counts
 * are real; the difference over N is the cost per sample.
 *
 * /proc reports each counter truncated to a clock tick (10 ms), so a reading
 * of a few live processes is off by tens of ms: fine over N samples, too
 * coarse for one connection. Connection cost is therefore measured apart:
 * --connections short connections, one sample each, one after the other;
 * once they are gone everything they used sits in the listener's own
 * counters (it reaps them), except a long-lived shell, which sshd leaves to
 * init when the connection closes: its counters are read just before. Per connection, less one steady sample, that is
 * the connection's setup and teardown (in `shell` mode including the login
 * shell, its rc file and pvlook's shell functions).
 *
 * Four cases, each the median of --runs (every run connects afresh):
 * {lean: the test user, login shell /bin/sh; rc: a bash user whose ~/.bashrc
 * runs a few small programs} x {session shell, session exec}. The rc file's
 * own cost is measured apart, with bash's `times`.
 *
 *   npm run bench:server [-- --samples 200 --runs 3 --connections 20 --json]
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import type { SessionMode } from '../src/core/session-mode.js';
import { appendLines, makeLog, plan, sampler, sshProber } from '../test/helpers/fleet.js';
import { startSshd, type Sshd } from '../test/helpers/sshd.js';
import type { Sampler } from '../src/sampler/sampler.js';
import { median, round } from './stats.js';

const { values } = parseArgs({
  options: { samples: { type: 'string', default: '200' }, runs: { type: 'string', default: '3' }, connections: { type: 'string', default: '20' }, json: { type: 'boolean', default: false } },
});
const samples = Number(values.samples);
const runs = Number(values.runs);
const connections = Number(values.connections);
const log = (text: string) => {
  if (!values.json) process.stderr.write(text + '\n');
};

const RC_USER = 'pvlook-bench-rc';
const LINES_PER_SAMPLE = 5;
/** each line of this file is one run of the rc file */
const RC_COUNTER = '.pvlook-bench-rc-runs';
// About 35 ms of CPU here: what a .bashrc that runs a couple of dozen small programs costs.
const BASHRC = [
  '# pvlook bench:server: a login rc file that costs tens of ms of CPU, as real ones do',
  `echo x >> "$HOME/${RC_COUNTER}"`,
  'for i in 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20 21 22 23 24; do /bin/true; done',
  'x=$(date); y=$(uname -a)',
  '',
].join('\n');
const TICKS_PER_SECOND = Number(execFileSync('getconf', ['CLK_TCK']).toString().trim()) || 100;

type UserKind = 'lean' | 'rc';
interface Case {
  user: UserKind;
  session: SessionMode;
}
const CASES: Case[] = [
  { user: 'lean', session: 'shell' },
  { user: 'lean', session: 'exec' },
  { user: 'rc', session: 'shell' },
  { user: 'rc', session: 'exec' },
];
const caseName = (c: Case) => `${c.user}/${c.session}`;

interface Proc {
  pid: number;
  comm: string;
  ppid: number;
  state: string;
  /** utime, stime, cutime, cstime */
  times: [number, number, number, number];
}

function readProcs(): Proc[] {
  const procs: Proc[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    let stat: string;
    try {
      stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
    } catch {
      continue; // exited meanwhile
    }
    // The command name may contain spaces: fields are counted from its closing parenthesis (field 3 is index 0).
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const at = (field: number) => Number(fields[field - 3]);
    procs.push({ pid: Number(entry), comm: stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')')), ppid: at(4), state: fields[0] ?? '?', times: [at(14), at(15), at(16), at(17)] });
  }
  return procs;
}

/** Every process below `root`. */
function below(root: number, procs: readonly Proc[]): Proc[] {
  const found: Proc[] = [];
  let frontier = new Set([root]);
  while (frontier.size > 0) {
    const next = procs.filter((proc) => frontier.has(proc.ppid));
    found.push(...next);
    frontier = new Set(next.map((proc) => proc.pid));
  }
  return found;
}

interface Reading {
  /** clock ticks of everything below the listener, live and reaped */
  tree: number;
  /** the listener's utime+stime+cutime+cstime: its own work and the connections it has reaped */
  listener: number;
  /** clock ticks of the login shells and their children: orphaned (reaped by init, not sshd) if the connection closes under them */
  shells: number;
  pids: string;
  quiet: boolean;
}

function read(listener: number): Reading {
  const procs = readProcs();
  const tree = below(listener, procs);
  const self = procs.find((proc) => proc.pid === listener);
  if (!self) throw new Error('sshd is gone');
  const total = (proc: Proc) => proc.times.reduce((a, b) => a + b, 0);
  return {
    tree: tree.reduce((sum, proc) => sum + total(proc), 0),
    listener: total(self),
    shells: tree.filter((proc) => proc.comm !== 'sshd').reduce((sum, proc) => sum + total(proc), 0),
    pids: tree.map((proc) => proc.pid).join(','),
    // Nothing running or waiting to be reaped: no CPU in flight, none about to move between processes.
    quiet: tree.every((proc) => proc.state === 'S' || proc.state === 'I'),
  };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A reading once the tree has stayed the same and idle for a few polls (exec mode's last shell is still exiting when its answer arrives). */
async function quietReading(listener: number, until: (reading: Reading) => boolean = () => true): Promise<Reading> {
  const giveUp = Date.now() + 10_000;
  let previous = read(listener);
  let steady = 0;
  while (steady < 3) {
    if (Date.now() > giveUp) throw new Error(`sshd's processes did not settle (pids ${previous.pids})`);
    await sleep(50);
    const current = read(listener);
    steady = current.quiet && until(current) && current.pids === previous.pids && current.tree === previous.tree ? steady + 1 : 0;
    previous = current;
  }
  return previous;
}

const rcRuns = (home: string) => {
  const file = path.join(home, RC_COUNTER);
  return existsSync(file) ? readFileSync(file, 'utf8').split('\n').filter(Boolean).length : 0;
};

interface CaseResult {
  perSampleMs: number;
  /** CPU of one connection with one sample, all included */
  perConnectionMs: number;
}

const ticksToMs = (ticks: number) => (ticks / TICKS_PER_SECOND) * 1000;
const gone = (reading: Reading) => reading.pids === '';

async function measure(sshd: Sshd, c: Case, sshConfig: string, rcHome: string, stop: AbortSignal): Promise<CaseResult> {
  const listener = sshd.process.pid;
  if (listener === undefined) throw new Error('sshd has no pid');
  const logFile = makeLog(sshd, `access-${c.user}-${c.session}.log`, 1000);
  const connect = () => sampler([plan(sshd.hosts[0]!, logFile)], sshProber(sshd, { sshConfig, session: c.session }));
  const sample = async (s: Sampler, check: boolean) => {
    stop.throwIfAborted();
    appendLines(logFile, LINES_PER_SAMPLE);
    const row = (await s.sampleByHand(Date.now() + 20_000, stop)).rows[0];
    stop.throwIfAborted();
    if (row?.status !== 'ok') throw new Error(`${caseName(c)}: sample failed: ${row?.status} ${row?.error ?? ''}`);
    if (check && row.lines !== LINES_PER_SAMPLE) throw new Error(`${caseName(c)}: counted ${row.lines} new lines, not ${LINES_PER_SAMPLE}`);
  };
  // The rc file must have run: once per connection with a long-lived shell, once per sample otherwise.
  const checkRc = (before: number, connectionCount: number, sampleCount: number) => {
    const expected = c.user === 'lean' ? 0 : c.session === 'shell' ? connectionCount : sampleCount;
    const ran = rcRuns(rcHome) - before;
    if (ran !== expected) throw new Error(`${caseName(c)}: the rc file ran ${ran} times, expected ${expected}`);
  };
  try {
    // N samples on one connection, read once it and its shell exist.
    let rcBefore = rcRuns(rcHome);
    const s = connect();
    let warm: Reading;
    let done: Reading;
    try {
      await sample(s, false);
      warm = await quietReading(listener);
      for (let i = 0; i < samples; i++) await sample(s, true);
      done = await quietReading(listener);
    } finally {
      await s.stop();
    }
    checkRc(rcBefore, 1, samples + 1);
    const perSampleMs = ticksToMs(done.tree - warm.tree) / samples;

    // Short connections, one after the other; once gone, the listener has reaped them all.
    const idle = await quietReading(listener, gone);
    rcBefore = rcRuns(rcHome);
    let orphaned = 0;
    for (let i = 0; i < connections; i++) {
      const short = connect();
      try {
        await sample(short, false);
        // A long-lived shell still runs when its connection closes: sshd leaves it to init, so count it now.
        orphaned += (await quietReading(listener)).shells;
      } finally {
        await short.stop();
      }
    }
    const after = await quietReading(listener, gone);
    checkRc(rcBefore, connections, connections);
    return { perSampleMs, perConnectionMs: ticksToMs(after.listener - idle.listener + orphaned) / connections };
  } finally {
    // Let the connections go, so the next case starts from an idle listener.
    await quietReading(listener, gone).catch(() => undefined);
    rmSync(logFile, { force: true });
  }
}

/** CPU seconds the children of one bash used to run `bash -c "$BODY"` `count` times (bash's `times`). */
function childCpu(body: string, count: number, home: string): number {
  const out = execFileSync('bash', ['-c', `for i in $(seq ${count}); do bash --norc --noprofile -c "$BODY"; done; times`], { env: { ...process.env, HOME: home, BODY: body } }).toString();
  const line = out.trim().split('\n')[1] ?? '';
  return [...line.matchAll(/(\d+)m([\d.]+)s/g)].reduce((sum, m) => sum + Number(m[1]) * 60 + Number(m[2]), 0);
}

/** What sourcing the rc file costs by itself, over a bash that does nothing. */
function rcFileMs(): number {
  const home = mkdtempSync(path.join(os.tmpdir(), 'pvlook-bench-rc-'));
  try {
    const rc = path.join(home, '.bashrc');
    writeFileSync(rc, BASHRC);
    const count = 50;
    const each = Array.from({ length: runs }, () => ((childCpu(`. ${rc}`, count, home) - childCpu(':', count, home)) / count) * 1000);
    return median(each);
  } finally {
    rmSync(home, { recursive: true, force: true });
  }
}

/** The bash user with the costly rc file, and how to put things back. */
function setUpRcUser(): { home: string; restore: () => void } {
  const exists = spawnSync('id', [RC_USER], { stdio: 'ignore' }).status === 0;
  if (!exists) execFileSync('useradd', ['-m', '-s', '/bin/bash', RC_USER]);
  const restoreUser = () => {
    if (!exists) execFileSync('userdel', ['-r', RC_USER], { stdio: 'ignore' });
  };
  try {
    execFileSync('usermod', ['-s', '/bin/bash', '-p', '*', RC_USER]); // key logins only
    const { home, uid, gid } = account(RC_USER);
    if (!home.startsWith('/')) throw new Error(`${RC_USER} has no home folder`);
    const bashrc = path.join(home, '.bashrc');
    const previous = existsSync(bashrc) ? readFileSync(bashrc) : null;
    const counter = path.join(home, RC_COUNTER);
    writeFileSync(bashrc, BASHRC);
    chownSync(bashrc, uid, gid);
    rmSync(counter, { force: true });
    return {
      home,
      restore: () => {
        rmSync(counter, { force: true });
        if (previous !== null) writeFileSync(bashrc, previous);
        else rmSync(bashrc, { force: true });
        restoreUser();
      },
    };
  } catch (error) {
    restoreUser();
    throw error;
  }
}

function account(user: string): { home: string; uid: number; gid: number } {
  const [, , uid, gid, , home] = execFileSync('getent', ['passwd', user]).toString().split(':');
  return { home: home ?? '', uid: Number(uid), gid: Number(gid) };
}

if (process.getuid?.() !== 0) throw new Error('bench:server needs root: it logs in as throwaway users');
const interrupted = new AbortController();
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => interrupted.abort(new Error(`interrupted by ${signal}`)));

const started = Date.now();
const rcUser = setUpRcUser();
let sshd: Sshd | undefined;
try {
  log(`rc file alone: measuring (${runs} x 50 runs)…`);
  const rcMs = rcFileMs();
  log(`rc file alone: ${round(rcMs, 1)} ms`);
  // One sshd for both users: AllowUsers directives add up.
  sshd = await startSshd({ hostCount: 1, extraConfig: [`AllowUsers ${RC_USER}`] });
  const configs: Record<UserKind, string> = { lean: sshd.sshConfig, rc: path.join(sshd.dir, 'ssh_config.rc') };
  writeFileSync(configs.rc, readFileSync(sshd.sshConfig, 'utf8').replace(`User ${sshd.user}`, `User ${RC_USER}`));

  const measured = new Map<Case, CaseResult[]>(CASES.map((c) => [c, []]));
  for (let run = 1; run <= runs; run++) {
    for (const c of CASES) {
      const result = await measure(sshd, c, configs[c.user], rcUser.home, interrupted.signal);
      measured.get(c)!.push(result);
      log(`run ${run}/${runs} ${caseName(c)}: ${round(result.perSampleMs, 2)} ms per sample, ${round(result.perConnectionMs, 1)} ms per connection with one sample`);
    }
  }
  /** per user, per session mode: the median over runs of `pick` */
  const table = (pick: (result: CaseResult) => number) => {
    const of = (user: UserKind, session: SessionMode) => median(measured.get(CASES.find((c) => c.user === user && c.session === session)!)!.map(pick));
    return { lean: { shell: of('lean', 'shell'), exec: of('lean', 'exec') }, rc: { shell: of('rc', 'shell'), exec: of('rc', 'exec') } };
  };
  const cpu = table((r) => r.perSampleMs);
  const perConnection = table((r) => r.perConnectionMs);
  const setup = (user: UserKind, session: SessionMode) => round(perConnection[user][session] - cpu[user][session], 1);
  const result = {
    machine: `${os.cpus().length} x ${os.cpus()[0]?.model ?? 'cpu'}`,
    openssh: spawnSync('ssh', ['-V']).stderr.toString().split(',')[0]?.trim() ?? 'unknown',
    samples,
    runs,
    clock_ticks_per_s: TICKS_PER_SECOND,
    server_cpu_ms_per_sample: {
      lean: { shell: round(cpu.lean.shell, 2), exec: round(cpu.lean.exec, 2) },
      rc: { shell: round(cpu.rc.shell, 2), exec: round(cpu.rc.exec, 2) },
    },
    exec_over_shell: { lean: round(cpu.lean.exec / cpu.lean.shell, 1), rc: round(cpu.rc.exec / cpu.rc.shell, 1) },
    rc_file_ms_per_run: round(rcMs, 1),
    connections,
    // Setup and teardown of a connection, less one steady sample: in shell mode with the login shell, its rc file and pvlook's functions.
    connection_setup_ms: {
      lean: { shell: setup('lean', 'shell'), exec: setup('lean', 'exec') },
      rc: { shell: setup('rc', 'shell'), exec: setup('rc', 'exec') },
    },
    seconds: round((Date.now() - started) / 1000, 1),
  };
  console.log(values.json ? JSON.stringify(result) : JSON.stringify(result, null, 2));
} finally {
  await sshd?.stop();
  rcUser.restore();
}
