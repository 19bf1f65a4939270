/**
 * `pvlook check`: sample every log a few times, judge the last sample against
 * thresholds, print one Nagios status line (or JSON), and exit with the
 * Nagios state: 0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN.
 */
import { judgeFleet, statusLine, type CheckResult } from '../core/check.js';
import { STATE_CODE } from '../core/exit-codes.js';
import { safeLines } from '../core/safe-text.js';
import { roundRate } from '../core/snapshot.js';
import { judgesPeers } from '../core/peer-check.js';
import { jsonPeer } from '../render/peer-text.js';
import { resolveConfig, type ResolveContext } from '../config/resolve.js';
import { Sampler } from '../sampler/sampler.js';
import type { Prober } from '../probe/prober.js';
import { patienceMs } from './run.js';
import type { Config } from '../config/config.js';
import type { CliArgs } from './args.js';
import type { MainIO } from './session.js';

/** Three rates: the last is judged, the two before give the mean a drop is measured from. */
const DEFAULT_SAMPLES = 4;

export async function runCheck(args: CliArgs, context: ResolveContext, io: MainIO, makeProber: (config: Config) => Prober): Promise<number> {
  let config: Config;
  try {
    config = await resolveConfig(args, context);
  } catch (error) {
    return unknown(io, args.json === true, error instanceof Error ? error.message : String(error));
  }
  const sampler = new Sampler(config.hosts, makeProber(config), { parallel: config.parallel, timeoutMs: config.timeoutMs, intervalMs: config.intervalMs, trend: config.trend, peers: config.peersFor });
  try {
    // --samples counts, but never below what judging peers needs (README: a streak of samples).
    const samples = samplesFor(config);
    sampler.start(samples);
    await sampler.waitForSamplesPatiently(samples, Date.now() + (samples - 1) * config.intervalMs + patienceMs(config), patienceMs(config));
    const result = judgeFleet(sampler.snapshot(0).rows, config.thresholdsFor);
    // The line's own words are ASCII; host names stay as they are (made safe), so perfdata labels never change with a display setting.
    io.stdout.write((config.json ? JSON.stringify(toJson(result)) : statusLine(result)) + '\n');
    return STATE_CODE[result.state];
  } finally {
    await sampler.stop();
  }
}

/** Enough for the drop's mean, and with --peers for every judged group's streak of odd samples (one baseline, then rates). */
function samplesFor(config: Config): number {
  const groups = new Set(config.hosts.flatMap((host) => host.watches.map((watch) => watch.group)));
  let samples = config.count ?? DEFAULT_SAMPLES;
  for (const group of groups) {
    const peers = config.peersFor(group);
    if (peers !== null && judgesPeers(config.thresholdsFor(group))) samples = Math.max(samples, peers.samples + 1);
  }
  return samples;
}

/** A check that could not run says so in the plugin's own format, with exit 3. */
export function unknown(io: MainIO, json: boolean, message: string): number {
  // A config value quoted in the message may hold C1 or bidi characters: shown, never obeyed.
  const oneLine = safeLines(message).replace(/\s*\n\s*/g, '; ');
  io.stdout.write(json ? JSON.stringify({ state: 'UNKNOWN', code: 3, summary: oneLine, hosts: [] }) + '\n' : `PVLOOK UNKNOWN - ${oneLine}\n`);
  return STATE_CODE.UNKNOWN;
}

function toJson(result: CheckResult) {
  return {
    state: result.state,
    code: STATE_CODE[result.state],
    summary: result.summary,
    total: result.total === null ? null : roundRate(result.total),
    hosts: result.verdicts.map(({ row, state, reasons, drop }) => ({
      host: row.host,
      group: row.group,
      log: row.log,
      rate: row.rate === null ? null : roundRate(row.rate),
      status: row.status,
      error: row.error,
      drop: drop === null ? null : Math.round(drop * 10) / 10,
      ...(row.peer ? { peer: jsonPeer(row.peer, 3) } : {}),
      state,
      reasons,
    })),
  };
}
