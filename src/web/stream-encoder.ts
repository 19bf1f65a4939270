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

/**
 * One tick's messages, each built only when asked for (and then once): with
 * no page open no delta is built, with no `?full` stream no `--json` text.
 */
export interface Encoded {
  /** the `--json` object of this snapshot, for `?full` streams */
  readonly full: string;
  /** this tick's changes, or null when pages need a new whole state */
  readonly delta: string | null;
}

export interface StreamState extends JsonSnapshot {
  tick: number;
  /** how many ticks pvlook holds when full; the fleet total's rate each tick held (oldest first, null unknown), and the times of those ticks (ms) */
  history: { slots: number; times: number[]; total: (number | null)[] };
  /** per host, in the order of `hosts`: its last STATE_RATES rates, oldest first */
  recent: (number | null)[][];
}

/** A snapshot and its `--json` object, made when first needed. */
class Tick {
  private jsonValue: JsonSnapshot | null = null;
  constructor(
    readonly snapshot: Snapshot,
    readonly number: number,
  ) {}
  get json(): JsonSnapshot {
    return (this.jsonValue ??= toJson(this.snapshot));
  }
}

export class StreamEncoder {
  private history: FleetHistory | null = null;
  private keys: string[] = [];
  private latest: Tick | null = null;
  private stateText: string | null = null;
  private ticks = 0;

  constructor(private readonly historyMs?: number) {}

  /** The tick number of the latest snapshot encoded (0 before the first). */
  get latestTick(): number {
    return this.latest?.number ?? 0;
  }

  /** The latest snapshot encoded, or null before the first. */
  get latestSnapshot(): Snapshot | null {
    return this.latest?.snapshot ?? null;
  }

  /** The log history kept for pages: made at the first snapshot, sized by its interval. */
  get fleetHistory(): FleetHistory | null {
    return this.history;
  }

  /** Record the snapshot; its messages are built only if someone reads them (snapshots are never changed once emitted). */
  encode(snapshot: Snapshot): Encoded {
    this.history ??= new FleetHistory(historySlots(snapshot.intervalMs, this.historyMs));
    this.history.record(snapshot);
    const keys = snapshot.rows.map(rowKey);
    const before = this.latest;
    const sameLogs = before !== null && sameList(keys, this.keys);
    const now = new Tick(snapshot, ++this.ticks);
    this.keys = keys;
    this.latest = now;
    this.stateText = null;
    let full: string | null = null;
    let delta: string | null | undefined;
    return {
      get full() {
        return (full ??= JSON.stringify(now.json));
      },
      get delta() {
        if (delta === undefined) delta = sameLogs ? JSON.stringify(deltaOf(now.number, now.json, before!.json.hosts)) : null;
        return delta;
      },
    };
  }

  /** The whole state as of the latest tick (built once per tick, when a page asks), or null before the first. */
  state(): string | null {
    if (this.latest === null || this.history === null) return null;
    if (this.stateText !== null) return this.stateText;
    const { json, number: tick } = this.latest;
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

type Changes = Record<string, unknown>;
type JsonPeer = NonNullable<JsonHost['peer']>;
type JsonPatterns = NonNullable<JsonHost['patterns']>;

/**
 * The fields of `now` that differ from `was`, null for a field now absent.
 * `peer` and `patterns` are sent as their changed parts only (docs/web.md,
 * "Ticks"); any other object would be sent whole.
 */
function changedFields(was: JsonHost | undefined, now: JsonHost): Changes | null {
  if (was === undefined) return now as unknown as Changes;
  let changed: Changes | null = null;
  const fields = new Set([...Object.keys(was), ...Object.keys(now)] as (keyof JsonHost)[]);
  for (const field of fields) {
    const a = was[field];
    const b = now[field];
    if (a === b) continue;
    let value: unknown;
    if (field === 'peer') value = peerChanges(a as JsonPeer | undefined, b as JsonPeer | undefined);
    else if (field === 'patterns') value = patternChanges(a as JsonPatterns | undefined, b as JsonPatterns | undefined);
    else if (typeof a === 'object' && typeof b === 'object' && a !== null && b !== null && JSON.stringify(a) === JSON.stringify(b)) continue;
    else value = b ?? null;
    if (value !== undefined) (changed ??= {})[field] = value;
  }
  return changed;
}

/** A peer verdict's changes: undefined for none, null when it is gone, the whole verdict when new, else only its changed fields (a null field is a null value: a verdict always has every field). */
function peerChanges(was: JsonPeer | undefined, now: JsonPeer | undefined): unknown {
  if (now === undefined || now === null) return was === undefined || was === null ? undefined : null;
  if (was === undefined || was === null) return now;
  let changed: Changes | undefined;
  for (const field of Object.keys(now) as (keyof JsonPeer)[]) if (was[field] !== now[field]) (changed ??= {})[field] = now[field];
  return changed;
}

/**
 * The patterns' changes: undefined for none, null when a log has none now,
 * the whole object when it had none; else by name only the changed fields of
 * each (its `peer` as peerChanges). When a name comes or goes, every current
 * name is listed, in order (`{}` for one unchanged), and a gone one as null,
 * so the page rebuilds the patterns in pvlook's order.
 */
function patternChanges(was: JsonPatterns | undefined, now: JsonPatterns | undefined): unknown {
  if (now === undefined || now === null) return was === undefined || was === null ? undefined : null;
  if (was === undefined || was === null) return now;
  const names = Object.keys(now);
  const wasNames = Object.keys(was);
  const sameNames = sameList(names, wasNames);
  let changed: Changes | undefined;
  for (const name of names) {
    const a = was[name];
    const b = now[name]!;
    if (a === undefined) {
      (changed ??= {})[name] = b;
      continue;
    }
    let fields: Changes | undefined;
    for (const field of new Set([...Object.keys(a), ...Object.keys(b)]) as Set<keyof typeof b>) {
      if (field === 'peer') {
        const peer = peerChanges(a.peer, b.peer);
        if (peer !== undefined) (fields ??= {}).peer = peer;
      } else if (a[field] !== b[field]) (fields ??= {})[field] = b[field] ?? null;
    }
    if (fields !== undefined || !sameNames) (changed ??= {})[name] = fields ?? {};
  }
  if (!sameNames) for (const name of wasNames) if (!(name in now)) (changed ??= {})[name] = null;
  return changed;
}

function sameList(a: readonly string[], b: readonly string[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
