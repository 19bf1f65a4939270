/**
 * The recent rates of every log, tick by tick, as the snapshots gave them:
 * what the web view's charts and sparklines show, whenever a page opens.
 * Fixed memory: one Float32Array ring per log (and per named pattern of a
 * log), one slot per snapshot, NaN for a tick without a rate (a gap, never a
 * zero). About 2.4 KB per log at ten minutes of one-second ticks.
 */
import { roundRate, type Row, type Snapshot } from './snapshot.js';

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

interface LogRings {
  rates: Float32Array;
  patterns: Map<string, Float32Array>;
}

export interface LogHistory {
  rates: (number | null)[];
  /** by pattern name: its rate each tick */
  patterns: Record<string, (number | null)[]>;
}

export class FleetHistory {
  private readonly logs = new Map<string, LogRings>();
  private readonly totals: Float32Array;
  private readonly times: Float64Array;
  /** snapshots recorded so far; the next goes to slot `recorded % slots` */
  private recorded = 0;

  constructor(readonly slots: number) {
    this.totals = new Float32Array(slots).fill(NaN);
    this.times = new Float64Array(slots).fill(NaN);
  }

  /** How many ticks are held: up to `slots`. */
  get length(): number {
    return Math.min(this.recorded, this.slots);
  }

  /** Take one snapshot's rates. Logs that left the fleet are forgotten. */
  record(snapshot: Snapshot): void {
    const slot = this.recorded % this.slots;
    this.times[slot] = snapshot.time;
    this.totals[slot] = snapshot.total.rate ?? NaN;
    const seen = new Set<string>();
    for (const row of snapshot.rows) {
      const key = rowKey(row);
      seen.add(key);
      let rings = this.logs.get(key);
      if (!rings) this.logs.set(key, (rings = { rates: new Float32Array(this.slots).fill(NaN), patterns: new Map() }));
      rings.rates[slot] = row.rate ?? NaN;
      for (const ring of rings.patterns.values()) ring[slot] = NaN;
      for (const count of row.patterns ?? []) {
        let ring = rings.patterns.get(count.name);
        if (!ring) rings.patterns.set(count.name, (ring = new Float32Array(this.slots).fill(NaN)));
        ring[slot] = count.rate;
      }
    }
    if (seen.size !== this.logs.size) for (const key of this.logs.keys()) if (!seen.has(key)) this.logs.delete(key);
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
  private recent(ring: Float32Array | Float64Array, n: number): number[] {
    const count = Math.min(n, this.length);
    const values = new Array<number>(count);
    for (let i = 0; i < count; i++) values[i] = ring[(this.recorded - count + i) % this.slots]!;
    return values;
  }
}

/** A stored value as it leaves: rounded as every rate leaving pvlook is (Float32 keeps about seven digits), null for a gap. */
function known(value: number): number | null {
  return Number.isFinite(value) ? roundRate(value) : null;
}
