/**
 * What a rotation costs the host, beside a steady sample: pvlook's real
 * shell functions in a long-lived local `/bin/sh -s` (the prober over a local
 * shell, as the tests use it), one log. CPU is utime+stime+cutime+cstime of
 * every process below this one, from /proc, before and after N samples of
 * each kind: steady (lines appended, the file held open) and rotating (the
 * log renamed and a new file made before every sample, as logrotate's create
 * does, so each sample drains the old file and counts the new one whole).
 *
 *   npm run bench:rotation-cost [-- --samples 200]
 */
import { appendFileSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { parseHostSpec } from '../src/core/host-spec.js';
import type { ProbeRequest, ProbeResult } from '../src/core/probe-types.js';
import { localProber } from '../test/helpers/local-shell.js';

const { values } = parseArgs({ options: { samples: { type: 'string', default: '200' } } });
const samples = Number(values.samples);
const dir = mkdtempSync(path.join(os.tmpdir(), 'pvlook-rotation-cost-'));
const log = path.join(dir, 'access.log');
writeFileSync(log, 'GET / 200\n'.repeat(100));
const { prober } = localProber(dir);
const host = parseHostSpec('local');
const signal = new AbortController().signal;

/** /proc's clock ticks (USER_HZ, 100 on Linux). */
const TICKS_PER_SECOND = 100;

/** CPU seconds of every process below this one, reaped children included. */
function treeCpu(): number {
  const stats = new Map<number, { ppid: number; cpu: number }>();
  for (const entry of readdirSync('/proc').filter((name) => /^\d+$/.test(name))) {
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      stats.set(Number(entry), { ppid: Number(fields[1]), cpu: [11, 12, 13, 14].reduce((sum, i) => sum + Number(fields[i]), 0) });
    } catch {
      // exited meanwhile
    }
  }
  let total = 0;
  let frontier = [process.pid];
  while (frontier.length > 0) {
    const next = [...stats].filter(([, { ppid }]) => frontier.includes(ppid));
    for (const [, { cpu }] of next) total += cpu;
    frontier = next.map(([pid]) => pid);
  }
  return total / TICKS_PER_SECOND;
}

let request: ProbeRequest = { path: log, previous: null };
let last: ProbeResult;
const sample = async () => {
  last = await prober.sample(host, [request], signal);
  const probe = last.logs[0]!;
  request = {
    path: log,
    previous: probe.kind === 'ok' ? { fileId: probe.fileId, offset: probe.offset } : null,
    ...(last.remoteTime !== null && last.clock ? { since: { clock: last.clock, seconds: last.remoteTime } } : {}),
  };
  return probe;
};
const uptime = () => Number(readFileSync('/proc/uptime', 'utf8').split(' ')[0]);

try {
  await sample();
  await sample();
  let before = treeCpu();
  for (let i = 0; i < samples; i++) {
    appendFileSync(log, 'GET /x 200\n'.repeat(5));
    await sample();
  }
  const steady = (treeCpu() - before) / samples;
  let exact = 0;
  before = treeCpu();
  for (let i = 0; i < samples; i++) {
    // A new file must be born clearly after the last reading to be provably new (the host's clock has 10 ms steps).
    const at = last!.remoteTime ?? 0;
    while (uptime() < at + 0.03) await new Promise((resolve) => setTimeout(resolve, 5));
    appendFileSync(log, 'GET /x 200\n'.repeat(3));
    renameSync(log, `${log}.${i}`);
    writeFileSync(log, 'GET /y 200\n'.repeat(2));
    const probe = await sample();
    if (probe.kind === 'ok' && probe.newLines === 5) exact++;
  }
  const rotating = (treeCpu() - before) / samples;
  console.log(
    JSON.stringify(
      { samples, steady_ms: Math.round(steady * 1e5) / 100, rotation_ms: Math.round(rotating * 1e5) / 100, ratio: Math.round((rotating / steady) * 10) / 10, rotations_counted_exactly: exact },
      null,
      2,
    ),
  );
} finally {
  await prober.close();
  rmSync(dir, { recursive: true, force: true });
}
