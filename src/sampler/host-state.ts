/**
 * What the sampler keeps per host between ticks, and how one probe result or
 * failure updates it. Pure: the clock and randomness come in as arguments.
 */
import type { HostPlan, Pattern } from '../config/config.js';
import type { HostError } from '../errors.js';
import { retryDelayMs } from '../core/backoff.js';
import { advance, EMPTY_MEMORY, forget, type LogMemory, type LogOutcome } from '../core/log-tracker.js';
import { MISSING_TOOLS, NOT_REGULAR } from '../probe/wire.js';
import { type ProbeResult } from '../core/probe-types.js';
import { meanOfKnown, trendOf, type TrendOptions } from '../core/trend.js';
import type { Counted, PatternCount, Row } from '../core/snapshot.js';

export interface HostState {
  readonly plan: HostPlan;
  /** one per watch, same order as plan.watches */
  memories: LogMemory[];
  outcomes: (LogOutcome | null)[];
  /** per watch, per pattern: recent shares of the new lines, oldest first (null: no count), for the peer comparison */
  shareHistories: (readonly (number | null)[])[][];
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
  /** the deadline of the sample in flight: it says when the host waits in pvlook's own queue */
  deadline: { readonly queuedFor: string | null; readonly wasQueued: boolean } | null;
  /** per watch: what every rate so far counted (and per file of a glob), kept through failures, for the exported counters */
  counted: Tally[];
}

/** A running count of one log: its lines, its patterns' matches (in the watch's order), and its files' own when it is a glob. */
interface Tally {
  lines: number;
  matches: number[];
  files: Map<string, { lines: number; matches: number[] }>;
}

export function initialState(plan: HostPlan): HostState {
  return {
    plan,
    memories: plan.watches.map(() => EMPTY_MEMORY),
    outcomes: plan.watches.map(() => null),
    shareHistories: plan.watches.map((watch) => watch.patterns.map(() => [])),
    failure: null,
    failures: 0,
    retryAt: 0,
    busySince: null,
    lastGoodAt: null,
    samples: 0,
    answeredInRow: 0,
    lastDurationMs: 0,
    deadline: null,
    counted: plan.watches.map(() => ({ lines: 0, matches: [], files: new Map() })),
  };
}

export function applyProbe(state: HostState, result: ProbeResult, sent: { sentAt: number; receivedAt: number }, historyLength: number): void {
  const time = { remote: result.remoteTime, clock: result.clock, resolution: result.resolution ?? 0, ...sent };
  result.logs.forEach((probe, index) => {
    const memory = state.memories[index] ?? EMPTY_MEMORY;
    const next = advance(memory, probe, time, historyLength);
    state.memories[index] = next.memory;
    state.outcomes[index] = next.outcome;
    if (state.counted[index]) tally(state.counted[index], next.outcome);
    state.shareHistories[index] = pushShares(state.shareHistories[index] ?? [], next.outcome, historyLength);
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
  state.shareHistories = state.shareHistories.map((histories) => histories.map((history) => pushBounded(history, null, historyLength)));
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
    const base = { host: state.plan.spec.label, group: watch.group, log: watch.log, rate: null, lines: null, trend: null, change: null, history, age, patterns: null };
    if (state.failure !== null) {
      // Keep showing the failure while a retry is under way.
      return { ...base, status: state.failure.status, error: state.failure.message };
    }
    // A glob's own count is the sum of its files': a split glob's rows carry each file's instead.
    const row = { ...base, ...(state.lastGoodAt !== null && !watch.split ? { counted: countedOf(watch.patterns, state.counted[index]) } : {}) };
    // Busy without a deadline yet: the sample waits for a --parallel slot, nothing has been sent.
    const queued = state.deadline?.queuedFor ?? (state.busySince !== null && state.deadline === null ? 'queued behind --parallel' : null);
    if (state.busySince !== null && (nowMs - state.busySince >= staleAfterMs || queued !== null)) {
      const waited = ((nowMs - state.busySince) / 1000).toFixed(1);
      // Waiting on pvlook itself is never the host's failure: say what it waits for.
      if (queued !== null) return { ...row, status: 'stale', error: `connecting: ${queued} (${waited}s)` };
      return { ...row, status: 'stale', error: `${state.lastGoodAt === null ? 'connecting' : 'waiting for an answer'} (${waited}s)` };
    }
    const outcome = state.outcomes[index] ?? null;
    if (watch.split && (outcome?.kind === 'rate' || outcome?.kind === 'baseline') && outcome.files) {
      // One row per file the glob matched, each with its own rate.
      return outcome.files.map(({ path, outcome: file }) => ({
        ...row,
        log: path,
        counted: countedOf(watch.patterns, state.counted[index]?.files.get(path)),
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
          patterns: withHistories(patternCounts(watch.patterns, outcome), state.shareHistories[index]),
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
        // Nothing has come back yet: not a failure, and not ok either.
        if (state.lastGoodAt === null) return { ...row, status: 'stale', error: 'connecting' };
        return { ...row, status: 'ok', error: null };
    }
  });
}

/** Add a sample's new lines to the running counts: only a rate's lines are known (a baseline's are not). */
function tally(counted: Tally, outcome: LogOutcome): void {
  if (outcome.kind !== 'rate') return;
  counted.lines += outcome.lines;
  (outcome.matches ?? []).forEach((matched, i) => (counted.matches[i] = (counted.matches[i] ?? 0) + matched));
  for (const { path, outcome: file } of outcome.files ?? []) {
    if (file.kind !== 'rate') continue;
    const own = counted.files.get(path) ?? { lines: 0, matches: [] };
    own.lines += file.lines;
    (file.matches ?? []).forEach((matched, i) => (own.matches[i] = (own.matches[i] ?? 0) + matched));
    counted.files.set(path, own);
  }
}

/** The running counts as a row carries them: matches by pattern name. */
function countedOf(patterns: readonly Pattern[], tallied: { lines: number; matches: number[] } | undefined): Counted {
  return { lines: tallied?.lines ?? 0, matches: Object.fromEntries(patterns.map((pattern, i) => [pattern.name, tallied?.matches[i] ?? 0])) };
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

/** Each pattern's share this sample (null without a count) pushed onto its history. */
function pushShares(histories: readonly (readonly (number | null)[])[], outcome: LogOutcome, historyLength: number): (readonly (number | null)[])[] {
  const counted = outcome.kind === 'rate' && outcome.matches ? outcome : null;
  return histories.map((history, i) => {
    const matched = counted?.matches?.[i];
    // No new lines is no share at all (an idle or drained host), not a share of 0 % its peers would be judged against.
    const share = counted === null || matched === undefined || counted.lines === 0 ? null : matched / counted.lines;
    return pushBounded(history, share, historyLength);
  });
}

function pushBounded<T>(values: readonly T[], value: T, length: number): T[] {
  const kept = values.length >= length ? values.slice(values.length - length + 1) : [...values];
  kept.push(value);
  return kept;
}

function withHistories(counts: PatternCount[] | null, histories: readonly (readonly (number | null)[])[] | undefined): PatternCount[] | null {
  if (counts === null || histories === undefined) return counts;
  return counts.map((count, i) => {
    const history = histories[i];
    return history === undefined ? count : { ...count, history };
  });
}

/** The current rate minus the mean of the previous known rates, or null without any. */
function changeFrom(mean: number | null, rate: number): number | null {
  return mean === null ? null : rate - mean;
}

/** Why the host could not count: with patterns, almost always its awk refusing one of them. */
function countFailed(patterns: readonly Pattern[], message: string): string {
  const said = (message.split('\n')[0] ?? '').slice(0, 160);
  if (message.startsWith(MISSING_TOOLS) || message.startsWith(NOT_REGULAR)) return message;
  if (patterns.length === 0) return `the host could not count lines: ${said}`;
  const names = patterns.map((pattern) => `${pattern.name}=${JSON.stringify(pattern.regex)}`).join(', ');
  return `the host's awk refused a pattern (${names}): ${said}`;
}
