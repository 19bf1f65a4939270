/**
 * What /events sends (docs/web.md): a page first gets the whole state (the
 * `--json` object, each log's recent rates and the fleet total's), then per
 * tick only what changed: for each log, the fields whose value differs from
 * the tick before. Each message is built once per tick for every page. When
 * the logs themselves change (a host added or removed, a glob's file gone),
 * the next message is a new whole state instead.
 */
import { FleetHistory, historySlots, rowKey } from '../core/fleet-history.js';
import type { Snapshot } from '../core/snapshot.js';
import { toJson, type JsonHost, type JsonSnapshot } from '../render/json.js';

/** A log's recent rates in the state: what a cell's sparkline shows. The whole history is at /history. */
export const STATE_RATES = 8;

export interface Encoded {
  /** the `--json` object of this snapshot, for `?full` streams */
  full: string;
  /** this tick's changes, or null when pages need a new whole state */
  delta: string | null;
}

export interface StreamState extends JsonSnapshot {
  tick: number;
  /** how many ticks pvlook holds when full; the fleet total's rate each tick held (oldest first, null unknown), and the times of those ticks (ms) */
  history: { slots: number; times: number[]; total: (number | null)[] };
  /** per host, in the order of `hosts`: its last STATE_RATES rates, oldest first */
  recent: (number | null)[][];
}

export class StreamEncoder {
  private history: FleetHistory | null = null;
  private keys: string[] = [];
  private hosts: JsonHost[] = [];
  private latest: { snapshot: Snapshot; json: JsonSnapshot; tick: number } | null = null;
  private stateText: string | null = null;
  private ticks = 0;

  constructor(private readonly historyMs?: number) {}

  /** The tick number of the latest snapshot encoded (0 before the first). */
  get latestTick(): number {
    return this.latest?.tick ?? 0;
  }

  /** The latest snapshot encoded, or null before the first. */
  get latestSnapshot(): Snapshot | null {
    return this.latest?.snapshot ?? null;
  }

  /** The log history kept for pages: made at the first snapshot, sized by its interval. */
  get fleetHistory(): FleetHistory | null {
    return this.history;
  }

  encode(snapshot: Snapshot): Encoded {
    this.history ??= new FleetHistory(historySlots(snapshot.intervalMs, this.historyMs));
    this.history.record(snapshot);
    const json = toJson(snapshot);
    const keys = snapshot.rows.map(rowKey);
    const sameLogs = this.latest !== null && sameList(keys, this.keys);
    const tick = ++this.ticks;
    const delta = sameLogs ? JSON.stringify(deltaOf(tick, json, this.hosts)) : null;
    this.keys = keys;
    this.hosts = json.hosts;
    this.latest = { snapshot, json, tick };
    this.stateText = null;
    return { full: JSON.stringify(json), delta };
  }

  /** The whole state as of the latest tick (built once per tick, when a page asks), or null before the first. */
  state(): string | null {
    if (this.latest === null || this.history === null) return null;
    if (this.stateText !== null) return this.stateText;
    const { json, tick } = this.latest;
    const history = this.history;
    const state: StreamState = {
      ...json,
      tick,
      history: { slots: history.slots, times: history.timesOf(), total: history.totalOf() },
      recent: this.keys.map((key) => history.logOf(key, STATE_RATES)?.rates ?? []),
    };
    return (this.stateText = JSON.stringify(state));
  }
}

export interface StreamDelta {
  tick: number;
  time: string;
  interval: number;
  total: JsonSnapshot['total'];
  groups: JsonSnapshot['groups'];
  /** by index into the state's `hosts`: the fields that changed, whole; null for a field now absent */
  hosts: Record<string, Partial<Record<keyof JsonHost, unknown>>>;
}

function deltaOf(tick: number, json: JsonSnapshot, before: readonly JsonHost[]): StreamDelta {
  const hosts: StreamDelta['hosts'] = {};
  json.hosts.forEach((host, index) => {
    const changed = changedFields(before[index], host);
    if (changed !== null) hosts[index] = changed;
  });
  return { tick, time: json.time, interval: json.interval, total: json.total, groups: json.groups, hosts };
}

/** The fields of `now` that differ from `was` (a nested object is compared by its JSON and sent whole). */
function changedFields(was: JsonHost | undefined, now: JsonHost): Partial<Record<keyof JsonHost, unknown>> | null {
  if (was === undefined) return now as unknown as Record<keyof JsonHost, unknown>;
  let changed: Partial<Record<keyof JsonHost, unknown>> | null = null;
  const fields = new Set([...Object.keys(was), ...Object.keys(now)] as (keyof JsonHost)[]);
  for (const field of fields) {
    const a = was[field];
    const b = now[field];
    if (a === b) continue;
    if (typeof a === 'object' && typeof b === 'object' && a !== null && b !== null && JSON.stringify(a) === JSON.stringify(b)) continue;
    (changed ??= {})[field] = b ?? null;
  }
  return changed;
}

function sameList(a: readonly string[], b: readonly string[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
