/**
 * GET /history?host=NAME: one host's recent rates, tick by tick, for the
 * page's detail view (ten minutes by default, whenever it is opened): every
 * log it is watched for, and each named pattern's rate. The host is named as
 * the page shows it (made safe), and so are the groups and logs returned.
 */
import { rowKey } from '../core/fleet-history.js';
import { safeRow, safeText } from '../core/safe-text.js';
import type { StreamEncoder } from './stream-encoder.js';

export interface HostHistory {
  host: string;
  /** the stream's tick the history ends with (the page adds the ticks after it) */
  tick: number;
  /** seconds between ticks */
  interval: number;
  /** how many ticks pvlook holds when full */
  slots: number;
  /** ms of each tick held, oldest first */
  times: number[];
  /** per log of the host: its rate each tick (null unknown), and each pattern's */
  logs: { group: string; log: string; rates: (number | null)[]; patterns: Record<string, (number | null)[]> }[];
}

export function hostHistory(encoder: Pick<StreamEncoder, 'latestSnapshot' | 'fleetHistory' | 'latestTick'>, host: string): HostHistory {
  const snapshot = encoder.latestSnapshot;
  const history = encoder.fleetHistory;
  if (snapshot === null || history === null) return { host, tick: 0, interval: 0, slots: 0, times: [], logs: [] };
  const logs: HostHistory['logs'] = [];
  for (const row of snapshot.rows) {
    const shown = safeRow(row);
    if (shown.host !== host) continue;
    const held = history.logOf(rowKey(row));
    if (held === null) continue;
    logs.push({ group: shown.group, log: shown.log, rates: held.rates, patterns: Object.fromEntries(Object.entries(held.patterns).map(([name, rates]) => [safeText(name), rates])) });
  }
  return { host, tick: encoder.latestTick, interval: snapshot.intervalMs / 1000, slots: history.slots, times: history.timesOf(), logs };
}
