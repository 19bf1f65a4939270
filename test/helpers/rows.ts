/** Build snapshot rows for renderer tests: an ok row unless told otherwise. */
import { totalOf, type Row, type Snapshot } from '../../src/core/snapshot.js';

export function row(fields: Partial<Row> & { host: string }): Row {
  return { group: 'default', log: '/var/log/a.log', rate: null, lines: null, trend: null, change: null, history: [], age: 0, patterns: null, status: 'ok', error: null, ...fields };
}

export function snapshotOf(rows: Row[], time = Date.UTC(2026, 10, 25, 8, 0, 0), intervalMs = 1000): Snapshot {
  return { time, intervalMs, tick: 1, roundMs: 0, rows, total: totalOf(rows) };
}
