/**
 * The recent rates of every log, tick by tick, as the snapshots gave them:
 * what the web view's charts and sparklines show, whenever a page opens.
 * Fixed memory: one Int32Array ring per log (and per named pattern of a
 * log), one slot per snapshot, holding thousandths of a line/s (the `--json`
 * rounding, so a rate read back is exactly the JSON's), GAP for a tick
 * without a rate (a gap, never a zero). About 2.4 KB per log at ten minutes
 * of one-second ticks. A rate too large for an Int32 (over 2.1 million
 * lines/s) turns that one ring into a Float64Array of the same thousandths;
 * the fleet total's ring is one, always.
 *
 * A log absent from a snapshot (its host's glob collapsed to one row for a
 * stale tick, a host briefly dropped) keeps its rings, with gaps, for as
 * long as the history spans; it is forgotten only after that.
 */
import type { Row, Snapshot } from './snapshot.js';

/** Ten minutes by default. */
export const HISTORY_SPAN_MS = 10 * 60_000;
/** Never more slots than this, however short the interval (an hour of one-second ticks). */
const MAX_SLOTS = 3600;

/** How many ticks `spanMs` holds at this interval. */
export function historySlots(intervalMs: number, spanMs = HISTORY_SPAN_MS): number {
  return Math.min(MAX_SLOTS, Math.max(2, Math.ceil(spanMs / Math.max(1, intervalMs))));
}

/** The one identity of a log across snapshots, the page's too. */
export function rowKey(row: Pick<Row, 'host' | 'group' | 'log'>): string {
  return `${row.host}\u0000${row.group}\u0000${row.log}`;
}

/** A tick without a value. */
const GAP = -0x80000000;

type Ring = Int32Array | Float64Array;

interface LogRings {
  rates: Ring;
  patterns: Map<string, Ring>;
  /** the `recorded` count when the log was last in a snapshot */
  seen: number;
}

export interface LogHistory {
  rates: (number | null)[];
  /** by pattern name: its rate each tick */
  patterns: Record<string, (number | null)[]>;
}

export class FleetHistory {
  private readonly logs = new Map<string, LogRings>();
  private readonly totals: Float64Array;
  private readonly times: Float64Array;
  /** snapshots recorded so far; the next goes to slot `recorded % slots` */
  private recorded = 0;

  constructor(readonly slots: number) {
    this.totals = new Float64Array(slots).fill(GAP);
    this.times = new Float64Array(slots).fill(NaN);
  }

  /** How many ticks are held: up to `slots`. */
  get length(): number {
    return Math.min(this.recorded, this.slots);
  }

  /** Take one snapshot's rates. Logs absent for the whole span are forgotten. */
  record(snapshot: Snapshot): void {
    const slot = this.recorded % this.slots;
    const now = this.recorded;
    this.times[slot] = snapshot.time;
    this.totals[slot] = stored(snapshot.total.rate);
    let present = 0;
    for (const row of snapshot.rows) {
      const key = rowKey(row);
      let rings = this.logs.get(key);
      if (!rings) this.logs.set(key, (rings = { rates: new Int32Array(this.slots).fill(GAP), patterns: new Map(), seen: -1 }));
      // A log listed twice in one snapshot is counted once.
      if (rings.seen !== now) present++;
      rings.seen = now;
      rings.rates = put(rings.rates, slot, row.rate);
      for (const ring of rings.patterns.values()) ring[slot] = GAP;
      for (const count of row.patterns ?? []) {
        const ring = rings.patterns.get(count.name) ?? new Int32Array(this.slots).fill(GAP);
        rings.patterns.set(count.name, put(ring, slot, count.rate));
      }
    }
    if (present !== this.logs.size) {
      for (const [key, rings] of this.logs) {
        if (rings.seen === now) continue;
        if (now - rings.seen >= this.slots) {
          this.logs.delete(key);
          continue;
        }
        rings.rates[slot] = GAP;
        for (const ring of rings.patterns.values()) ring[slot] = GAP;
      }
    }
    this.recorded++;
  }

  /** The times of the ticks held (ms), oldest first; the last `n` at most. */
  timesOf(n = this.slots): number[] {
    return this.recent(this.times, n);
  }

  /** The fleet total each tick, oldest first. */
  totalOf(n = this.slots): (number | null)[] {
    return this.recent(this.totals, n).map(known);
  }

  /** One log's rates (and its patterns'), oldest first, the last `n` ticks at most; null for a log not held. */
  logOf(key: string, n = this.slots): LogHistory | null {
    const rings = this.logs.get(key);
    if (!rings) return null;
    return {
      rates: this.recent(rings.rates, n).map(known),
      patterns: Object.fromEntries([...rings.patterns].map(([name, ring]) => [name, this.recent(ring, n).map(known)])),
    };
  }

  /** The last `n` values of a ring, oldest first. */
  private recent(ring: Ring, n: number): number[] {
    const count = Math.min(n, this.length);
    const values = new Array<number>(count);
    for (let i = 0; i < count; i++) values[i] = ring[(this.recorded - count + i) % this.slots]!;
    return values;
  }
}

/** A rate as held: thousandths of a line/s, rounded as roundRate rounds; GAP for none. */
function stored(rate: number | null): number {
  return rate === null || !Number.isFinite(rate) ? GAP : Math.round(rate * 1000);
}

/** Store a rate in a ring; returns the ring, a Float64Array copy when the value does not fit an Int32. */
function put(ring: Ring, slot: number, rate: number | null): Ring {
  const value = stored(rate);
  if (ring instanceof Int32Array && value !== GAP && (value <= GAP || value > 0x7fffffff)) ring = Float64Array.from(ring);
  ring[slot] = value;
  return ring;
}

/** A stored value as it leaves: exactly roundRate's value (Math.round(rate * 1000) / 1000), null for a gap. */
function known(value: number): number | null {
  return value === GAP ? null : value / 1000;
}
