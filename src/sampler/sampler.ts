/**
 * The sampling driver: every host runs on its own schedule. A host's next
 * sample is due one interval after its previous one started, whatever the
 * rest of the fleet does, so every rate covers about one interval of its own;
 * a failed host waits for its backoff instead. Each sample has its own
 * deadline covering everything (settings, connecting, jump hosts, the
 * answer), and a slow or dead host never delays another.
 *
 * Renderers ask for a snapshot whenever they draw; runs that need an answer
 * (a snapshot, `check`, the last of `--count`) wait until every host has
 * finished enough samples.
 */
import pLimit from 'p-limit';
import type { HostPlan } from '../config/config.js';
import { HostError } from '../errors.js';
import { probeRequestFor } from '../core/log-tracker.js';
import { hostTarget } from '../core/host-target.js';
import { groupTotalsOf, totalOf, type Row, type Snapshot } from '../core/snapshot.js';
import { trendOf, type TrendOptions } from '../core/trend.js';
import { DEFAULT_PEER_OPTIONS } from '../core/peer-compare.js';
import { peerVerdicts, type PeerOptionsFor } from '../core/peers.js';
import type { Prober } from '../probe/prober.js';
import { applyFailure, applyProbe, initialState, rowsOf, type HostState } from './host-state.js';
import { SampleDeadline } from './deadline.js';

/** How finely host schedules are kept: hosts due within one slot start together. */
const SLOT_MS = 10;

export interface SamplerOptions {
  parallel: number;
  timeoutMs: number;
  intervalMs: number;
  trend: TrendOptions;
  /** each group's peer comparison settings, null for a group that turned it off (default: the defaults for every group) */
  peers?: PeerOptionsFor;
  /** how many past rates to keep per log (at least the trend window); defaults to a minute's worth for sparklines */
  historyLength?: number;
  now?: () => number;
  random?: () => number;
}

export class Sampler {
  private readonly states: HostState[];
  private readonly limit: (work: () => Promise<void>) => Promise<void>;
  private readonly now: () => number;
  private readonly random: () => number;
  private readonly historyLength: number;
  /** hosts due to sample, by time slot: one timer per slot, however many hosts share it */
  private readonly slots = new Map<number, { timer: NodeJS.Timeout; states: HostState[] }>();
  private readonly inFlight = new Set<Promise<void>>();
  /** told of every finished sample, with the host it was for */
  private readonly waiters = new Set<(state: HostState) => void>();
  private readonly stopping = new AbortController();
  /** the deadline of each sample in flight, so stopping can cut them all short */
  private readonly deadlines = new Set<SampleDeadline>();
  private ticks = 0;
  private limitSamples = Infinity;
  /** samples finished so far, fleet-wide: how a run's patience tells a moving queue from a stuck one */
  private finished = 0;
  /** the fleet totals of the last snapshots, oldest first (null: unknown), for the total's trend */
  private readonly totals: (number | null)[] = [];

  constructor(
    hosts: readonly HostPlan[],
    private readonly prober: Prober,
    private readonly options: SamplerOptions,
  ) {
    this.states = hosts.map(initialState);
    // A fleet within the bound never waits for a slot: no queue to go through on every sample.
    this.limit = hosts.length > options.parallel ? pLimit(options.parallel) : (work) => work();
    this.now = options.now ?? Date.now;
    this.random = options.random ?? Math.random;
    const minute = Math.ceil(60_000 / Math.max(options.intervalMs, 1));
    this.historyLength = Math.max(options.historyLength ?? Math.min(minute, 600), options.trend.window + 1, maxPeerSamples(hosts, options.peers));
  }

  /**
   * Start every host's schedule: each samples now, then one interval after
   * each reading. With `samples`, each host stops after that many (a run
   * that needs an answer, not a watch).
   */
  start(samples = Infinity): void {
    this.limitSamples = samples;
    for (const state of this.states) this.schedule(state, 0);
  }

  /** Stop scheduling, give up on samples in flight, and close every session. */
  async stop(): Promise<void> {
    for (const slot of this.slots.values()) clearTimeout(slot.timer);
    this.slots.clear();
    const reason = new HostError('error', 'pvlook is shutting down');
    this.stopping.abort(reason);
    for (const deadline of this.deadlines) deadline.abort(reason);
    await Promise.allSettled([...this.inFlight]);
    await this.prober.close();
  }

  /**
   * The current state as a snapshot. A host whose sample has been in flight
   * for `staleAfterMs` or more is shown stale (default: one interval, so a
   * host is stale when its numbers are older than they should be; a run's
   * final answer passes 0: a host still busy then has not answered).
   */
  snapshot(staleAfterMs = this.options.intervalMs): Snapshot {
    const now = this.now();
    const rows = this.states.flatMap((state) => rowsOf(state, now, this.options.trend, staleAfterMs));
    attachPeers(rows, this.options.peers ?? (() => DEFAULT_PEER_OPTIONS));
    const roundMs = this.states.reduce((slowest, state) => Math.max(slowest, state.lastDurationMs), 0);
    const total = totalOf(rows);
    // No trend from or to an unknown total: it starts with the first real value.
    const trend = trendOf(this.totals.slice(-this.options.trend.window), total.rate, this.options.trend);
    this.totals.push(total.rate);
    if (this.totals.length > this.options.trend.window) this.totals.shift();
    return { time: now, intervalMs: this.options.intervalMs, historyLength: this.historyLength, tick: ++this.ticks, roundMs, rows, total: { ...total, trend }, groups: groupTotalsOf(rows) };
  }

  /**
   * Sample every idle host once (unless it is backing off after a failure),
   * now, outside any schedule, and resolve with a snapshot when all have
   * answered or at `deadlineMs` (hosts still busy then are stale). Never how
   * pvlook runs (its runs call start()): for benchmarks that pace samples
   * themselves, and the sampler's own unit tests with a fake prober.
   */
  async sampleByHand(deadlineMs: number, signal?: AbortSignal): Promise<Snapshot> {
    const now = this.now();
    const idle = this.states.filter((state) => state.busySince === null && state.retryAt <= now);
    const wanted = idle.map((state) => [state, state.samples + 1] as const);
    for (const state of idle) this.launch(state, false);
    await this.waitUntil(new Map(wanted), (state, count) => state.samples >= count, deadlineMs, signal);
    return this.snapshot(0);
  }

  /**
   * Resolve once every host has answered `count` samples in a row (so it has
   * `count - 1` rates), or is failing after `count` tries, or at
   * `deadlineMs`, or on abort.
   */
  waitForSamples(count: number, deadlineMs: number, signal?: AbortSignal): Promise<void> {
    return this.waitUntil(new Map(this.states.map((state) => [state, count])), enough, deadlineMs, signal);
  }

  /**
   * waitForSamples for a run's answer: at `deadlineMs`, if hosts that still
   * owe samples have waited in pvlook's own queues (handshake slots) and the
   * fleet is still making progress, wait `patienceMs` more, and again: a
   * large fleet behind one bastion takes as long as its queue takes, and a
   * host is never reported for waiting on pvlook itself.
   */
  async waitForSamplesPatiently(count: number, deadlineMs: number, patienceMs: number, signal?: AbortSignal): Promise<void> {
    let deadline = deadlineMs;
    let finished = this.finished;
    for (;;) {
      await this.waitForSamples(count, deadline, signal);
      if (signal?.aborted) return;
      const owing = this.states.filter((state) => !enough(state, count));
      const queued = owing.some((state) => state.deadline?.wasQueued === true || (state.busySince !== null && state.deadline === null));
      if (owing.length === 0 || !queued || this.finished === finished) return;
      finished = this.finished;
      deadline = this.now() + patienceMs;
    }
  }

  /** Resolve once every sample in flight now has finished, or at `deadlineMs`, or on abort. */
  settle(deadlineMs: number, signal?: AbortSignal): Promise<void> {
    const pending = this.states.filter((state) => state.busySince !== null).map((state) => [state, state.samples + 1] as const);
    return this.waitUntil(new Map(pending), (state, count) => state.samples >= count, deadlineMs, signal);
  }

  /**
   * Resolve once `done(state, target)` holds for every host in `targets`, at
   * `deadlineMs`, or on abort. A host is checked only when one of its own
   * samples finishes: waiting costs nothing per sample of the fleet.
   */
  private waitUntil(targets: Map<HostState, number>, done: (state: HostState, target: number) => boolean, deadlineMs: number, signal?: AbortSignal): Promise<void> {
    for (const [state, target] of targets) if (done(state, target)) targets.delete(state);
    if (targets.size === 0 || signal?.aborted) return Promise.resolve();
    return new Promise((resolve) => {
      const finish = () => {
        clearTimeout(timer);
        this.waiters.delete(check);
        signal?.removeEventListener('abort', finish);
        resolve();
      };
      const check = (state: HostState) => {
        const target = targets.get(state);
        if (target === undefined || !done(state, target)) return;
        targets.delete(state);
        if (targets.size === 0) finish();
      };
      const timer = setTimeout(finish, Math.max(0, deadlineMs - this.now()));
      this.waiters.add(check);
      signal?.addEventListener('abort', finish, { once: true });
    });
  }

  /**
   * Due in `delayMs`, rounded up to the next slot: hosts due within the same
   * few milliseconds start in one timer and one turn of the event loop (a
   * timer per host per second made the loop wake a thousand times a second
   * at 1,000 hosts). A sample starting up to a slot late does not move its
   * rate: rates use the host's own clock.
   */
  private schedule(state: HostState, delayMs: number): void {
    if (this.stopping.signal.aborted || enough(state, this.limitSamples)) return;
    const slot = Math.ceil((this.now() + Math.max(0, delayMs)) / SLOT_MS);
    const existing = this.slots.get(slot);
    if (existing) {
      existing.states.push(state);
      return;
    }
    const timer = setTimeout(() => {
      const due = this.slots.get(slot);
      this.slots.delete(slot);
      for (const host of due?.states ?? []) this.launch(host, true);
    }, Math.max(0, slot * SLOT_MS - this.now()));
    this.slots.set(slot, { timer, states: [state] });
  }

  private launch(state: HostState, scheduled = true): void {
    // One sample at a time per host, whoever asks (its schedule, or sampleByHand()).
    if (state.busySince !== null) return;
    state.busySince = this.now();
    let began = state.busySince;
    // Without an answer last time, this sample connects first: its reading comes late in it.
    const connects = state.lastGoodAt === null || state.failure !== null;
    let requestSentAt: number | null = null;
    const sampled: Promise<void> = this.limit(async () => {
      began = this.now();
      requestSentAt = await this.sample(state);
    }).finally(() => {
      const finished = this.now();
      state.busySince = null;
      state.samples++;
      this.finished++;
      state.lastDurationMs = finished - began;
      this.inFlight.delete(sampled);
      // Due one interval after this sample's reading: after its request went out (its reading follows
      // at once), or where the prober does not say, after it began, or ended if it had to connect first;
      // after a failure, when its backoff ends.
      const due = state.failure !== null ? state.retryAt : (requestSentAt ?? (connects ? finished : began)) + this.options.intervalMs;
      if (scheduled) this.schedule(state, due - finished);
      for (const check of [...this.waiters]) check(state);
    });
    this.inFlight.add(sampled);
  }

  /** One sample of the host; resolves with when its request went out (ms), if the prober says. */
  private async sample(state: HostState): Promise<number | null> {
    // Queued behind --parallel when pvlook stopped: nothing to do.
    if (this.stopping.signal.aborted) return null;
    // One deadline for everything this sample does: settings, connecting, jump hosts, the answer;
    // it stops while the host waits in pvlook's own queues (the transport says when).
    const deadline = new SampleDeadline(this.options.timeoutMs, this.now);
    state.deadline = deadline;
    // Stopping aborts every deadline in this set (cheaper per sample than a listener on a shared signal).
    this.deadlines.add(deadline);
    try {
      const requests = state.plan.watches.map((watch, index) => probeRequestFor(watch.log, state.memories[index]!, watch.patterns.map((pattern) => pattern.regex)));
      const startedAt = this.now();
      const result = await this.prober.sample(hostTarget(state.plan), requests, deadline.signal, deadline.hold);
      // The reading happened between the request going out and its answer: a connect before it is no part of it.
      const sentAt = result.sentAt ?? startedAt;
      applyProbe(state, result, { sentAt: sentAt / 1000, receivedAt: this.now() / 1000 }, this.historyLength);
      return result.sentAt ?? null;
    } catch (error) {
      if (this.stopping.signal.aborted) return null;
      applyFailure(state, asHostError(error), this.now(), this.random(), this.historyLength);
      return null;
    } finally {
      deadline.clear();
      state.deadline = null;
      this.deadlines.delete(deadline);
    }
  }
}

/**
 * Every log against its peers, once, here: every output shows this verdict.
 * The rows were just built for this snapshot and nobody else holds them, so
 * the verdicts go onto them in place (a copy of every row per view was half
 * the comparison's cost at 5,000 hosts).
 */
function attachPeers(rows: Row[], peers: PeerOptionsFor): void {
  const { rates, shares } = peerVerdicts(rows, peers);
  for (let index = 0; index < rows.length; index++) {
    const peer = rates[index];
    if (peer === undefined) continue;
    const row = rows[index]!;
    row.peer = peer;
    for (const count of row.patterns ?? []) {
      const share = shares.get(count.name)?.[index];
      if (share !== undefined) count.peer = share;
    }
  }
}

/** The most samples any group's peer comparison looks back over: the history must hold that many. */
function maxPeerSamples(hosts: readonly HostPlan[], peers: PeerOptionsFor | undefined): number {
  let most = DEFAULT_PEER_OPTIONS.samples;
  if (peers) for (const group of new Set(hosts.flatMap((host) => host.watches.map((watch) => watch.group)))) most = Math.max(most, peers(group)?.samples ?? 0);
  return most;
}

/** A host has given what a run needs: `count` answers in a row, or `count` tries ending in a failure. */
function enough(state: HostState, count: number): boolean {
  return state.answeredInRow >= count || (state.failure !== null && state.samples >= count);
}

function asHostError(error: unknown): HostError {
  if (error instanceof HostError) return error;
  return new HostError('error', error instanceof Error ? error.message : String(error), { cause: error });
}
