/**
 * The snapshot as the JSON object documented in the README. One per tick;
 * in watch mode, one per line (NDJSON).
 */
import { safeRow } from '../core/safe-text.js';
import { roundRate, type Snapshot } from '../core/snapshot.js';
import { jsonPeer, type JsonPeer } from './peer-text.js';

export interface JsonSnapshot {
  time: string;
  interval: number;
  hosts: {
    host: string;
    group: string;
    log: string;
    rate: number | null;
    lines: number | null;
    trend: 'up' | 'down' | 'flat' | null;
    status: string;
    error: string | null;
    /** only for logs with patterns, when they were counted this tick; `peer` where the group compares its logs */
    patterns?: Record<string, { lines: number; rate: number; share: number; peer?: JsonPeer }>;
    /** the rate against the group's other logs of this path (README: odd one out); absent where peers are off */
    peer?: JsonPeer;
  }[];
  /** `carried`: how many logs unknown for a moment the total carries the last rate of; `odd`: how many logs are odd among their peers */
  total: { rate: number | null; ok: number; stale: number; failed: number; carried: number; odd: number };
}

export function toJson(snapshot: Snapshot): JsonSnapshot {
  return {
    time: new Date(snapshot.time).toISOString(),
    interval: snapshot.intervalMs / 1000,
    // JSON escapes C0 controls itself, but not C1 or bidi characters, which a terminal showing the stream would obey.
    hosts: snapshot.rows.map(safeRow).map((row) => ({
      host: row.host,
      group: row.group,
      log: row.log,
      rate: row.rate === null ? null : roundRate(row.rate),
      lines: row.lines,
      trend: row.trend,
      status: row.status,
      error: row.error,
      ...patternsOf(row),
      ...(row.peer ? { peer: jsonPeer(row.peer, 3) } : {}),
    })),
    total: { ...snapshot.total, rate: snapshot.total.rate === null ? null : roundRate(snapshot.total.rate) },
  };
}

export function renderJsonLine(snapshot: Snapshot): string {
  return JSON.stringify(toJson(snapshot));
}

/** Pattern counts by name, for logs that have them this tick. */
function patternsOf(row: Snapshot['rows'][number]): Pick<JsonSnapshot['hosts'][number], 'patterns'> {
  if (row.patterns === null) return {};
  return {
    patterns: Object.fromEntries(
      row.patterns.map((p) => [p.name, { lines: p.lines, rate: roundRate(p.rate), share: Math.round(p.share * 10_000) / 10_000, ...(p.peer ? { peer: jsonPeer(p.peer, 4) } : {}) }]),
    ),
  };
}
