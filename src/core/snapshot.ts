/**
 * A snapshot is everything a renderer needs for one tick: one row per log per
 * host, and the fleet total. It is plain data, the same for table and JSON.
 */
import type { FailureStatus } from './failure-status.js';
import { rateForTotal } from './carry.js';
import type { PeerVerdict } from './peer-compare.js';
import type { Trend } from './trend.js';

/** ok, or why there is no fresh number: stale (the host is still busy with an earlier sample) or a failure. */
export type RowStatus = 'ok' | 'stale' | FailureStatus;

export interface Row {
  host: string;
  group: string;
  log: string;
  /** lines per second over the last interval; null when unknown (first sample, rotation, failure) */
  rate: number | null;
  /** lines appended during the last interval */
  lines: number | null;
  trend: Trend | null;
  /** rate minus the mean of the previous rates (what the trend judges), for sorting by change */
  change: number | null;
  /** recent rates, oldest first, the current one last; null marks a failed sample */
  history: readonly (number | null)[];
  /** seconds since this host last answered, or null if it never has */
  age: number | null;
  /** per named pattern: new lines that matched, their rate, and their share of the new lines (0..1); null without a rate */
  patterns: PatternCount[] | null;
  status: RowStatus;
  error: string | null;
  /** the log against its peers (core/peers.ts); absent where peers are off for its group */
  peer?: PeerVerdict;
  /**
   * Lines, and each named pattern's matches, counted since pvlook began
   * watching this log, through rotations and the host's failures: what the
   * exported counters show. Absent while the host fails (nothing is known).
   */
  counted?: Counted;
}

export interface Counted {
  lines: number;
  /** by pattern name */
  matches: Readonly<Record<string, number>>;
}

export interface PatternCount {
  name: string;
  lines: number;
  rate: number;
  share: number;
  /** recent shares, oldest first, the current one last; null marks a sample without a count */
  history?: readonly (number | null)[];
  /** this share against the same pattern's share on the log's peers */
  peer?: PeerVerdict;
}

export interface Snapshot {
  /** ms since the epoch when the tick closed */
  time: number;
  intervalMs: number;
  /** how many rates a row's history holds when full (a minute's worth by default): sparklines are sized by it */
  historyLength?: number;
  tick: number;
  /** how long this tick's sampling took: until every host answered, or the deadline */
  roundMs: number;
  rows: Row[];
  total: Total;
  /** each group's honest subtotal, in the order groups first appear (groupTotalsOf); absent from hand-made snapshots, which get it computed */
  groups?: GroupTotal[];
}

/** One group's honest subtotal (totalOf its rows) and its patterns' totals (patternTotalsOf its rows). */
export interface GroupTotal {
  group: string;
  total: Total;
  patterns: ReadonlyMap<string, PatternTotal | null>;
}

export interface PatternTotal {
  rate: number;
  share: number | null;
}

export interface Total {
  /**
   * sum of the known rates, and of the last rates carried for logs unknown for
   * a moment (core/carry.ts); null when no log has a rate to count, which is
   * unknown, not zero (before the first rates, or with every host failing)
   */
  rate: number | null;
  ok: number;
  stale: number;
  failed: number;
  /** how many logs' last known rates the total carries */
  carried: number;
  /** how many logs are odd among their peers, by rate or by a pattern's share (core/peers.ts) */
  odd: number;
  /** the fleet total's direction against its recent mean, with the user's trend settings (the sampler's, fleet total only) */
  trend?: Trend | null;
}

/** Rates leave pvlook (JSON, check output) with three decimals: more would be noise. */
export function roundRate(rate: number): number {
  return Math.round(rate * 1000) / 1000;
}

/** Odd among its peers by its rate or by any pattern's share. */
export function isOdd(row: Pick<Row, 'peer' | 'patterns'>): boolean {
  if (row.peer?.odd) return true;
  return row.patterns?.some((pattern) => pattern.peer?.odd) ?? false;
}

/** The fleet's (or a group's) honest total: the same function for the header, JSON, metrics and check. */
export function totalOf(rows: readonly Row[]): Total {
  let rate = 0;
  let ok = 0;
  let stale = 0;
  let failed = 0;
  let carried = 0;
  let odd = 0;
  let known = 0;
  for (const row of rows) {
    if (isOdd(row)) odd++;
    const counted = rateForTotal(row);
    if (counted !== null) {
      rate += counted.rate;
      known++;
    }
    if (counted?.carried) carried++;
    if (row.status === 'ok') ok++;
    else if (row.status === 'stale') stale++;
    else failed++;
  }
  return { rate: known > 0 ? rate : null, ok, stale, failed, carried, odd };
}

/**
 * Each named pattern's total over `rows`: the sum of its rates where it was
 * counted this tick, and its share of those logs' new lines; null where no
 * log counted it (unknown, not zero).
 */
export function patternTotalsOf(rows: readonly Row[]): Map<string, PatternTotal | null> {
  const sums = new Map<string, { rate: number; matched: number; lines: number; counted: number }>();
  for (const row of rows) {
    for (const count of row.patterns ?? []) {
      const sum = sums.get(count.name) ?? { rate: 0, matched: 0, lines: 0, counted: 0 };
      sum.rate += count.rate;
      sum.matched += count.lines;
      sum.lines += row.lines ?? 0;
      sum.counted++;
      sums.set(count.name, sum);
    }
  }
  return new Map([...sums].map(([name, sum]) => [name, sum.counted === 0 ? null : { rate: sum.rate, share: sum.lines > 0 ? sum.matched / sum.lines : null }]));
}


/**
 * Each group's subtotal, in the order groups first appear: the same honest
 * total as the fleet's (carried rates included), for the terminal, the JSON
 * and the web view alike.
 */
export function groupTotalsOf(rows: readonly Row[]): GroupTotal[] {
  const members = new Map<string, Row[]>();
  for (const row of rows) {
    const list = members.get(row.group);
    if (list) list.push(row);
    else members.set(row.group, [row]);
  }
  return [...members].map(([group, groupRows]) => ({ group, total: totalOf(groupRows), patterns: patternTotalsOf(groupRows) }));
}
