/**
 * What the sampler keeps per host between ticks, and how one probe result or
 * failure updates it. Pure: the clock and randomness come in as arguments.
 */
import type { HostPlan, Pattern } from '../config/config.js';
import type { HostError } from '../errors.js';
import { retryDelayMs } from '../core/backoff.js';
import { advance, EMPTY_MEMORY, forget, type LogMemory, type LogOutcome } from '../core/log-tracker.js';
import { MISSING_TOOLS, NOT_REGULAR, type ProbeResult } from '../probe/wire.js';
import { meanOfKnown, trendOf, type TrendOptions } from '../core/trend.js';
import type { PatternCount, Row } from '../core/snapshot.js';
import { safeText } from '../core/safe-text.js';

export interface HostState {
  readonly plan: HostPlan;
  /** one per watch, same order as plan.watches */
  memories: LogMemory[];
  outcomes: (LogOutcome | null)[];
  /** the last failure, until the next success */
  failure: HostError | null;
  failures: number;
  /** ms; no new attempt before this */
  retryAt: number;
  /** ms when the sample now in flight started, or null */
  busySince: number | null;
  /** ms of the last successful sample, or null */
  lastGoodAt: number | null;
  /** samples finished (answered or failed) since the start */
  samples: number;
  /** samples answered since the last failure: a rate needs two in a row */
  answeredInRow: number;
  /** ms the last finished sample took */
  lastDurationMs: number;
}

export function initialState(plan: HostPlan): HostState {
  return {
    plan,
    memories: plan.watches.map(() => EMPTY_MEMORY),
    outcomes: plan.watches.map(() => null),
    failure: null,
    failures: 0,
    retryAt: 0,
    busySince: null,
    lastGoodAt: null,
    samples: 0,
    answeredInRow: 0,
    lastDurationMs: 0,
  };
}

export function applyProbe(state: HostState, result: ProbeResult, sent: { sentAt: number; receivedAt: number }, historyLength: number): void {
  const time = { remote: result.remoteTime, clock: result.clock, resolution: result.resolution ?? 0, ...sent };
  result.logs.forEach((probe, index) => {
    const memory = state.memories[index] ?? EMPTY_MEMORY;
    const next = advance(memory, probe, time, historyLength);
    state.memories[index] = next.memory;
    state.outcomes[index] = next.outcome;
  });
  state.failure = null;
  state.failures = 0;
  state.answeredInRow++;
  state.retryAt = 0;
  state.lastGoodAt = sent.receivedAt * 1000;
}

export function applyFailure(state: HostState, error: HostError, nowMs: number, random: number, historyLength: number): void {
  state.memories = state.memories.map((memory) => forget(memory, historyLength));
  state.outcomes = state.outcomes.map(() => null);
  state.failure = error;
  state.failures++;
  state.answeredInRow = 0;
  state.retryAt = nowMs + retryDelayMs(state.failures, random);
}

/**
 * The rows this host contributes to a snapshot taken at `nowMs`. A sample in
 * flight for longer than `staleAfterMs` makes the host stale: its numbers are
 * older than they should be.
 */
export function rowsOf(state: HostState, nowMs: number, trend: TrendOptions, staleAfterMs: number): Row[] {
  const age = state.lastGoodAt === null ? null : Math.max(0, (nowMs - state.lastGoodAt) / 1000);
  return state.plan.watches.flatMap((watch, index): Row | Row[] => {
    const history = state.memories[index]?.history ?? [];
    const row = { host: state.plan.spec.label, group: watch.group, log: watch.log, rate: null, lines: null, trend: null, change: null, history, age, patterns: null };
    if (state.failure !== null) {
      // Keep showing the failure while a retry is under way.
      return { ...row, status: state.failure.status, error: state.failure.message };
    }
    if (state.busySince !== null && nowMs - state.busySince >= staleAfterMs) {
      const waited = ((nowMs - state.busySince) / 1000).toFixed(1);
      return { ...row, status: 'stale', error: `${state.lastGoodAt === null ? 'connecting' : 'waiting for an answer'} (${waited}s)` };
    }
    const outcome = state.outcomes[index] ?? null;
    if (watch.split && (outcome?.kind === 'rate' || outcome?.kind === 'baseline') && outcome.files) {
      // One row per file the glob matched, each with its own rate.
      return outcome.files.map(({ path, outcome: file }) => ({
        ...row,
        log: path,
        history: state.memories[index]?.fileHistories?.[path] ?? [],
        rate: file.kind === 'rate' ? file.rate : null,
        lines: file.kind === 'rate' ? file.lines : null,
        patterns: file.kind === 'rate' ? patternCounts(watch.patterns, file) : null,
        status: file.kind === 'unreadable' ? 'noperm' : file.kind === 'error' ? 'error' : 'ok',
        error: file.kind === 'unreadable' ? notReadable(state.plan) : file.kind === 'error' ? countFailed(watch.patterns, file.message) : null,
      }));
    }
    switch (outcome?.kind) {
      case 'rate': {
        // Only the window the trend looks at, not the whole minute of history.
        const previous = history.slice(Math.max(0, history.length - 1 - trend.window), -1);
        return {
          ...row,
          rate: outcome.rate,
          lines: outcome.lines,
          trend: trendOf(previous, outcome.rate, trend),
          change: changeFrom(meanOfKnown(previous.slice(-trend.window)), outcome.rate),
          patterns: patternCounts(watch.patterns, outcome),
          status: 'ok',
          error: null,
        };
      }
      case 'missing':
        return { ...row, status: 'nolog', error: 'log file not found' };
      case 'unreadable':
        return { ...row, status: 'noperm', error: notReadable(state.plan) };
      case 'error':
        return { ...row, status: 'error', error: countFailed(watch.patterns, outcome.message) };
      default:
        return { ...row, status: 'ok', error: null };
    }
  });
}

/** A log the shell may not read: sudo is the way out, unless the host already uses it. */
function notReadable(plan: HostPlan): string {
  return plan.sudo === true ? 'log file not readable' : 'log file not readable; try --sudo';
}

/** Each named pattern's matches as a count, a rate and a share of the new lines; null when not counted. */
function patternCounts(patterns: readonly Pattern[], outcome: Extract<LogOutcome, { kind: 'rate' }>): PatternCount[] | null {
  const { matches, lines, seconds } = outcome;
  if (!matches) return null;
  return patterns.map((pattern, i) => {
    const matched = matches[i] ?? 0;
    return { name: pattern.name, lines: matched, rate: matched / seconds, share: lines > 0 ? matched / lines : 0 };
  });
}

/** The current rate minus the mean of the previous known rates, or null without any. */
function changeFrom(mean: number | null, rate: number): number | null {
  return mean === null ? null : rate - mean;
}

/** Why the host could not count: with patterns, almost always its awk refusing one of them. */
function countFailed(patterns: readonly Pattern[], message: string): string {
  const said = safeText(message.split('\n')[0] ?? '').slice(0, 160);
  if (message.startsWith(MISSING_TOOLS) || message.startsWith(NOT_REGULAR)) return safeText(message);
  if (patterns.length === 0) return `the host could not count lines: ${said}`;
  const names = patterns.map((pattern) => `${pattern.name}=${JSON.stringify(pattern.regex)}`).join(', ');
  return `the host's awk refused a pattern (${names}): ${said}`;
}
