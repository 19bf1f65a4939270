// What the page knows about the fleet, built from successive /events
// snapshots (the --json objects): the latest row of every log, and the
// history the JSON does not carry (rates of the last minutes, when a host
// last answered, its last error), kept here in the browser. No DOM.
import { compareNames } from './format.js';

/** Ten minutes at one sample a second: enough for the detail chart, 2.4 MB at 1,000 logs. */
export const HISTORY = 600;
const TREND_WINDOW = 10;

/** One log of one host: its latest values and its history. */
export class RowState {
  constructor(key, capacity) {
    this.key = key;
    this.host = '';
    this.group = '';
    this.log = '';
    this.rate = null;
    this.lines = null;
    this.trend = null;
    this.status = 'stale';
    /** position in name order (host, group, log), so sorting never compares strings per tick */
    this.rank = 0;
    this.error = null;
    this.patterns = null;
    /** pvlook's peer verdict for the rate ({ ratio, median, odd, side, peers, reason }), or null where the group compares none */
    this.peer = null;
    /** odd among its peers by its rate or a pattern's share: pvlook's verdict, read from the stream, never worked out here */
    this.odd = false;
    /** ms of the last snapshot in which it was ok, or null */
    this.lastOk = null;
    /** the last error seen and when, which stays after the host recovers */
    this.lastError = null;
    /** ms since the status has been what it is */
    this.since = null;
    /** rates per snapshot, NaN for none; slot = snapshot number % capacity */
    this.rates = new Float32Array(capacity).fill(NaN);
    /** pattern name → rates, like `rates`, only for logs with patterns */
    this.patternRates = new Map();
  }
}

export class FleetStore {
  constructor(capacity = HISTORY) {
    this.capacity = capacity;
    /** key → RowState, in the order of the latest snapshot */
    this.rows = new Map();
    /** characters in the longest host name, for the width of the cells */
    this.longestName = 0;
    /** snapshots applied so far */
    this.count = 0;
    /** ms of the latest snapshot, and of each one kept (ring) */
    this.time = NaN;
    this.times = new Float64Array(capacity).fill(NaN);
    this.interval = 1;
    this.total = { rate: 0, ok: 0, stale: 0, failed: 0, odd: 0 };
    this.totals = new Float32Array(capacity).fill(NaN);
  }

  /**
   * Apply one snapshot. Returns true when the set of rows changed (hosts
   * added or removed), which is when the page must rebuild its layout.
   * Anything malformed is skipped rather than trusted; unknown fields are ignored.
   */
  apply(event) {
    if (!event || typeof event !== 'object' || !Array.isArray(event.hosts)) return false;
    const time = Date.parse(event.time);
    const slot = this.count % this.capacity;
    this.time = Number.isFinite(time) ? time : Date.now();
    this.times[slot] = this.time;
    if (typeof event.interval === 'number' && event.interval > 0) this.interval = event.interval;
    const seen = new Set();
    let changed = false;
    const ordered = new Map();
    for (const entry of event.hosts) {
      if (!entry || typeof entry.host !== 'string') continue;
      const group = typeof entry.group === 'string' ? entry.group : 'default';
      const log = typeof entry.log === 'string' ? entry.log : '';
      const key = `${entry.host}\u0000${group}\u0000${log}`;
      if (seen.has(key)) continue;
      seen.add(key);
      let row = this.rows.get(key);
      if (!row) {
        row = new RowState(key, this.capacity);
        row.host = entry.host;
        row.group = group;
        row.log = log;
        changed = true;
      }
      this.update(row, entry, slot);
      ordered.set(key, row);
    }
    if (ordered.size !== this.rows.size) changed = true;
    this.rows = ordered;
    if (changed) {
      const byName = [...ordered.values()].sort((a, b) => compareNames(a.host, b.host) || compareNames(a.group, b.group) || compareNames(a.log, b.log));
      byName.forEach((row, i) => (row.rank = i));
      this.longestName = byName.reduce((longest, row) => Math.max(longest, row.host.length), 0);
    }
    const total = event.total && typeof event.total === 'object' ? event.total : {};
    // An unknown total (null) is shown as unknown and leaves a gap in the chart, never a 0.
    this.total = { rate: numberOr(total.rate, NaN), ok: numberOr(total.ok, 0), stale: numberOr(total.stale, 0), failed: numberOr(total.failed, 0), odd: numberOr(total.odd, 0) };
    this.totals[slot] = this.total.rate;
    this.count++;
    return changed;
  }

  update(row, entry, slot) {
    const status = typeof entry.status === 'string' ? entry.status : 'error';
    if (status !== row.status || row.since === null) row.since = this.time;
    row.status = status;
    row.rate = typeof entry.rate === 'number' ? entry.rate : null;
    row.lines = typeof entry.lines === 'number' ? entry.lines : null;
    row.trend = entry.trend === 'up' || entry.trend === 'down' || entry.trend === 'flat' ? entry.trend : null;
    row.error = typeof entry.error === 'string' ? entry.error : null;
    row.patterns = entry.patterns && typeof entry.patterns === 'object' ? entry.patterns : null;
    row.peer = peerOf(entry.peer);
    row.odd = row.peer?.odd === true || Object.values(row.patterns ?? {}).some((counted) => counted?.peer?.odd === true);
    if (status === 'ok') row.lastOk = this.time;
    if (row.error !== null) row.lastError = { text: row.error, time: this.time };
    row.rates[slot] = row.rate ?? NaN;
    for (const rates of row.patternRates.values()) rates[slot] = NaN;
    if (row.patterns) {
      for (const [name, counted] of Object.entries(row.patterns)) {
        let rates = row.patternRates.get(name);
        if (!rates) row.patternRates.set(name, (rates = new Float32Array(this.capacity).fill(NaN)));
        rates[slot] = typeof counted?.rate === 'number' ? counted.rate : NaN;
      }
    }
  }

  /** The last n values of a ring (oldest first); NaN where there was none. */
  recent(ring, n) {
    const count = Math.min(n, this.count, this.capacity);
    const values = new Array(count);
    for (let i = 0; i < count; i++) values[i] = ring[(this.count - count + i) % this.capacity];
    return values;
  }

  /** Seconds since the row last answered, as of the latest snapshot; null if never seen ok. */
  age(row) {
    return row.lastOk === null ? null : (this.time - row.lastOk) / 1000;
  }

  /** Rate minus the mean of the previous rates: what sorting by change uses. */
  change(row) {
    return changeOf(this.recent(row.rates, TREND_WINDOW + 1))?.change ?? null;
  }

  /** Direction of the fleet total against its recent mean (the rows carry their own). */
  totalTrend() {
    const found = changeOf(this.recent(this.totals, TREND_WINDOW + 1));
    if (found === null) return null;
    // The same dead bands as pvlook's own trend: within 10 % or 0.5 lines/s is steady.
    if (Math.abs(found.change) <= Math.max(0.5, 0.1 * found.mean)) return 'flat';
    return found.change > 0 ? 'up' : 'down';
  }
}

/** The latest value against the mean of the ones before it, or null without both. */
function changeOf(values) {
  const current = values.at(-1);
  if (current === undefined || !Number.isFinite(current)) return null;
  const previous = values.slice(0, -1).filter(Number.isFinite);
  if (previous.length === 0) return null;
  const mean = previous.reduce((a, b) => a + b, 0) / previous.length;
  return { change: current - mean, mean };
}

/** The peer verdict as pvlook sent it, with anything malformed left out. */
export function peerOf(peer) {
  if (!peer || typeof peer !== 'object') return null;
  return {
    ratio: typeof peer.ratio === 'number' && Number.isFinite(peer.ratio) ? peer.ratio : null,
    median: typeof peer.median === 'number' && Number.isFinite(peer.median) ? peer.median : null,
    odd: peer.odd === true,
    side: peer.side === 'low' || peer.side === 'high' ? peer.side : null,
    reason: typeof peer.reason === 'string' ? peer.reason : null,
  };
}

function numberOr(value, fallback) {
  return typeof value === 'number' && Number.isFinite(value) ? value : fallback;
}
