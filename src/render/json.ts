/**
 * The snapshot as the JSON object documented in docs/web.md (and the README).
 * One per tick; in watch mode, one per line (NDJSON). The web view shows
 * exactly these numbers and computes none of its own.
 */
import { safeRow, safeText } from '../core/safe-text.js';
import { groupTotalsOf, patternTotalsOf, roundRate, type PatternTotal, type Snapshot, type Total } from '../core/snapshot.js';
import type { Trend } from '../core/trend.js';
import { jsonPeer, type JsonPeer } from './peer-text.js';

/** A total's counts as the snapshot has them (`carried`, `odd`: core/snapshot.ts), its rate rounded. */
export interface JsonTotal extends Pick<Total, 'rate' | 'ok' | 'stale' | 'failed' | 'carried' | 'odd'> {
  /** per named pattern: the sum of its rates and its share of the new lines of the logs that counted it; null where none did */
  patterns?: Record<string, { rate: number; share: number | null } | null>;
}

export interface JsonHost {
  host: string;
  group: string;
  log: string;
  rate: number | null;
  lines: number | null;
  trend: Trend | null;
  /** the rate minus the mean of the previous rates the trend judges by; null without both */
  change: number | null;
  /** seconds since the host last answered; null if it never has */
  age: number | null;
  status: string;
  error: string | null;
  /** only for logs with patterns, when they were counted this tick; `peer` where the group compares its logs */
  patterns?: Record<string, { lines: number; rate: number; share: number; peer?: JsonPeer }>;
  /** the rate against the group's other logs of this path (README: odd one out); absent where peers are off */
  peer?: JsonPeer;
}

export interface JsonSnapshot {
  time: string;
  interval: number;
  hosts: JsonHost[];
  /** the fleet's honest total; `trend` is its direction against its recent mean, with the trend settings */
  total: JsonTotal & { trend: Trend | null };
  /** each group's honest subtotal, in the order groups first appear */
  groups: (JsonTotal & { group: string })[];
}

export function toJson(snapshot: Snapshot): JsonSnapshot {
  return {
    time: new Date(snapshot.time).toISOString(),
    interval: snapshot.intervalMs / 1000,
    // JSON escapes C0 controls itself, but not C1 or bidi characters, which a terminal showing the stream would obey.
    hosts: snapshot.rows.map(safeRow).map(jsonHost),
    total: { ...jsonTotal(snapshot.total, patternTotalsOf(snapshot.rows)), trend: snapshot.total.trend ?? null },
    groups: (snapshot.groups ?? groupTotalsOf(snapshot.rows)).map(({ group, total, patterns }) => ({ group: safeText(group), ...jsonTotal(total, patterns) })),
  };
}

export function renderJsonLine(snapshot: Snapshot): string {
  return JSON.stringify(toJson(snapshot));
}

export function jsonHost(row: Snapshot['rows'][number]): JsonHost {
  return {
    host: row.host,
    group: row.group,
    log: row.log,
    rate: row.rate === null ? null : roundRate(row.rate),
    lines: row.lines,
    trend: row.trend,
    change: row.change === null ? null : roundRate(row.change),
    age: row.age === null ? null : roundAge(row.age),
    status: row.status,
    error: row.error,
    ...patternsOf(row),
    ...(row.peer ? { peer: jsonPeer(row.peer, 3) } : {}),
  };
}

/** Ages to a tenth of a second: finer is noise, and every output shows whole seconds at most. */
export function roundAge(seconds: number): number {
  return Math.round(seconds * 10) / 10;
}

function jsonTotal(total: Total, patterns: ReadonlyMap<string, PatternTotal | null>): JsonTotal {
  const { rate, ok, stale, failed, carried, odd } = total;
  return {
    rate: rate === null ? null : roundRate(rate),
    ok,
    stale,
    failed,
    carried,
    odd,
    ...(patterns.size > 0
      ? { patterns: Object.fromEntries([...patterns].map(([name, sum]) => [safeText(name), sum === null ? null : { rate: roundRate(sum.rate), share: sum.share === null ? null : roundShare(sum.share) }])) }
      : {}),
  };
}

function roundShare(share: number): number {
  return Math.round(share * 10_000) / 10_000;
}

/** Pattern counts by name, for logs that have them this tick. */
function patternsOf(row: Snapshot['rows'][number]): Pick<JsonHost, 'patterns'> {
  if (row.patterns === null) return {};
  return {
    patterns: Object.fromEntries(row.patterns.map((p) => [p.name, { lines: p.lines, rate: roundRate(p.rate), share: roundShare(p.share), ...(p.peer ? { peer: jsonPeer(p.peer, 4) } : {}) }])),
  };
}
