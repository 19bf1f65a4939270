// What the page knows about the fleet: pvlook's numbers, as /events sent
// them (docs/web.md). A whole state first (every log, its last rates, the
// fleet total's history, the group subtotals), then each tick's changes,
// merged in. The page computes no number of its own: rates, trends, changes,
// ages, subtotals and shares are all pvlook's. No DOM.
import { compareNames } from './format.js';

/** A cell's sparkline: this many of the last ticks (pvlook sends as many in its state). */
export const SPARK = 8;

/** One log of one host: pvlook's latest values for it. */
export class RowState {
  constructor(key) {
    this.key = key;
    this.host = '';
    this.group = '';
    this.log = '';
    this.rate = null;
    this.lines = null;
    this.trend = null;
    /** pvlook's rate minus the mean of the previous rates */
    this.change = null;
    /** pvlook's seconds since the host last answered */
    this.age = null;
    this.status = 'stale';
    this.error = null;
    this.patterns = null;
    /** pvlook's peer verdict for the rate ({ ratio, median, odd, side, reason }), or null where the group compares none */
    this.peer = null;
    /** odd among its peers by its rate or a pattern's share: pvlook's verdict, read from the stream, never worked out here */
    this.odd = false;
    /** position in name order (host, group, log), so sorting never compares strings per tick */
    this.rank = 0;
    /** the last error seen and when, which stays after the host recovers */
    this.lastError = null;
    /** the last SPARK rates pvlook had, oldest first; null for a tick without one */
    this.recent = [];
  }
}

const EMPTY_TOTAL = { rate: null, ok: 0, stale: 0, failed: 0, carried: 0, odd: 0, trend: null, patterns: null };

export class FleetStore {
  constructor() {
    /** key → RowState, in pvlook's order */
    this.rows = new Map();
    /** the same rows by their index in pvlook's list (what a tick's changes refer to) */
    this.list = [];
    /** characters in the longest host name, for the width of the cells */
    this.longestName = 0;
    /** events applied so far */
    this.count = 0;
    /** pvlook's tick number of the latest event */
    this.tick = 0;
    /** ms of the latest tick */
    this.time = NaN;
    this.interval = 1;
    this.total = EMPTY_TOTAL;
    /** group name → pvlook's subtotal for it */
    this.groups = new Map();
    /** the fleet total each tick pvlook holds, oldest first (null unknown) */
    this.totals = [];
    /** how many totals pvlook keeps, so the page keeps no more */
    this.capacity = 0;
  }

  /**
   * Take a whole state: everything is replaced. Returns true (the page must
   * lay out again). Anything malformed is skipped rather than trusted;
   * unknown fields are ignored.
   */
  applyState(state) {
    if (!state || typeof state !== 'object' || !Array.isArray(state.hosts)) return false;
    const previous = this.rows;
    this.rows = new Map();
    this.list = [];
    const recent = Array.isArray(state.recent) ? state.recent : [];
    this.applyTotals(state);
    state.hosts.forEach((entry, index) => {
      const ok = entry && typeof entry === 'object' && typeof entry.host === 'string';
      const group = ok && typeof entry.group === 'string' ? entry.group : 'default';
      const log = ok && typeof entry.log === 'string' ? entry.log : '';
      const key = ok ? `${entry.host}\u0000${group}\u0000${log}` : `\u0000invalid\u0000${index}`;
      // Kept across states, so the last error seen survives a reconnect.
      const row = previous.get(key) ?? new RowState(key);
      row.host = ok ? entry.host : '';
      row.group = group;
      row.log = log;
      // A whole host: a field it lacks (patterns, peer) is absent now.
      if (ok) merge(row, { patterns: null, peer: null, ...entry }, this.time);
      row.recent = Array.isArray(recent[index]) ? recent[index].slice(-SPARK).map(numberOrNull) : [];
      this.list.push(ok ? row : null);
      if (ok && !this.rows.has(key)) this.rows.set(key, row);
    });
    const history = state.history && typeof state.history === 'object' ? state.history : {};
    this.totals = Array.isArray(history.total) ? history.total.map(numberOrNull) : [this.total.rate];
    this.capacity = typeof history.slots === 'number' && history.slots > 0 ? history.slots : Math.max(this.totals.length, 2);
    this.tick = typeof state.tick === 'number' ? state.tick : 0;
    const byName = [...this.rows.values()].sort((a, b) => compareNames(a.host, b.host) || compareNames(a.group, b.group) || compareNames(a.log, b.log));
    byName.forEach((row, rank) => (row.rank = rank));
    this.longestName = byName.reduce((longest, row) => Math.max(longest, row.host.length), 0);
    this.count++;
    return true;
  }

  /**
   * Take one tick's changes. Returns false when they cannot follow the state
   * held (a tick was missed): the page must fetch a new state.
   */
  applyTick(delta) {
    if (!delta || typeof delta !== 'object' || delta.tick !== this.tick + 1 || this.count === 0) return false;
    this.tick = delta.tick;
    this.applyTotals(delta);
    const changed = delta.hosts && typeof delta.hosts === 'object' ? delta.hosts : {};
    for (const index in changed) {
      const row = this.list[Number(index)];
      if (row) merge(row, changed[index], this.time, true);
    }
    for (const row of this.rows.values()) {
      row.recent.push(row.rate);
      if (row.recent.length > SPARK) row.recent.shift();
    }
    this.totals.push(this.total.rate);
    if (this.totals.length > this.capacity) this.totals.shift();
    this.count++;
    return true;
  }

  applyTotals(event) {
    const time = Date.parse(event.time);
    this.time = Number.isFinite(time) ? time : Date.now();
    if (typeof event.interval === 'number' && event.interval > 0) this.interval = event.interval;
    this.total = totalOf(event.total);
    this.groups = new Map();
    if (Array.isArray(event.groups)) for (const group of event.groups) if (group && typeof group.group === 'string') this.groups.set(group.group, totalOf(group));
  }

  /** The last n of the fleet totals pvlook held, oldest first. */
  recentTotals(n) {
    return this.totals.slice(-n);
  }
}

/** Merge pvlook's fields for a log (all of them, or with `partial` a tick's changed ones: docs/web.md, "Ticks") into its row. */
function merge(row, fields, time, partial = false) {
  if (!fields || typeof fields !== 'object') return;
  if ('status' in fields) row.status = typeof fields.status === 'string' ? fields.status : 'error';
  if ('rate' in fields) row.rate = numberOrNull(fields.rate);
  if ('lines' in fields) row.lines = numberOrNull(fields.lines);
  if ('change' in fields) row.change = numberOrNull(fields.change);
  if ('age' in fields) row.age = numberOrNull(fields.age);
  if ('trend' in fields) row.trend = fields.trend === 'up' || fields.trend === 'down' || fields.trend === 'flat' ? fields.trend : null;
  if ('error' in fields) {
    row.error = typeof fields.error === 'string' ? fields.error : null;
    if (row.error !== null) row.lastError = { text: row.error, time };
  }
  if ('patterns' in fields) {
    const patterns = fields.patterns && typeof fields.patterns === 'object' ? fields.patterns : null;
    row.patterns = partial && patterns && row.patterns ? mergePatterns(row.patterns, patterns) : patterns;
  }
  if ('peer' in fields) row.peer = peerOf(partial && row.peer && fields.peer && typeof fields.peer === 'object' ? { ...row.peer, ...fields.peer } : fields.peer);
  if ('patterns' in fields || 'peer' in fields) row.odd = row.peer?.odd === true || Object.values(row.patterns ?? {}).some((counted) => counted?.peer?.odd === true);
}

/**
 * A tick's changes to a log's patterns, by name: a gone one is null, the
 * others' changed fields (a pattern's `peer` likewise: null gone, else its
 * changed fields). An update naming every pattern held gives the new order.
 * New objects, never the held ones changed.
 */
function mergePatterns(held, changes) {
  const names = Object.keys(held).every((name) => name in changes) ? Object.keys(changes) : Object.keys(held);
  const merged = {};
  for (const name of names) {
    const change = changes[name];
    if (change === null) continue;
    const was = held[name];
    if (!change || typeof change !== 'object' || !was || typeof was !== 'object') {
      if (change && typeof change === 'object') merged[name] = change;
      else if (was) merged[name] = was;
      continue;
    }
    const next = { ...was, ...change };
    if ('peer' in change) {
      if (change.peer && typeof change.peer === 'object' && was.peer && typeof was.peer === 'object') next.peer = { ...was.peer, ...change.peer };
      else if (!change.peer || typeof change.peer !== 'object') delete next.peer;
    }
    merged[name] = next;
  }
  return merged;
}

/** pvlook's total (the fleet's or a group's) with anything malformed left out: unknown stays unknown, never 0. */
export function totalOf(total) {
  if (!total || typeof total !== 'object') return EMPTY_TOTAL;
  const count = (value) => (typeof value === 'number' && Number.isFinite(value) ? value : 0);
  return {
    rate: numberOrNull(total.rate),
    ok: count(total.ok),
    stale: count(total.stale),
    failed: count(total.failed),
    carried: count(total.carried),
    odd: count(total.odd),
    trend: total.trend === 'up' || total.trend === 'down' || total.trend === 'flat' ? total.trend : null,
    patterns: total.patterns && typeof total.patterns === 'object' ? total.patterns : null,
  };
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

function numberOrNull(value) {
  return typeof value === 'number' && Number.isFinite(value) ? value : null;
}
