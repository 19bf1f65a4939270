/**
 * The sampler: each tick, one probe per host that is idle and due, at most
 * `parallel` in flight, every host with its own timeout and backoff. A tick
 * closes when every probe has answered or its deadline passes, whichever is
 * first; a host still busy then is reported stale and is not queued again.
 */
import pLimit from 'p-limit';
import type { HostPlan } from '../config/config.js';
import { HostError } from '../errors.js';
import { probeRequestFor } from '../core/log-tracker.js';
import { buildProbeScript, parseProbeOutput, ProbeOutputError } from '../core/probe.js';
import { totalOf, type Snapshot } from '../core/snapshot.js';
import type { TrendOptions } from '../core/trend.js';
import type { Transport } from '../transport/transport.js';
import { applyFailure, applyProbe, initialState, rowsOf, type HostState } from './host-state.js';

export interface SamplerOptions {
  parallel: number;
  timeoutMs: number;
  intervalMs: number;
  trend: TrendOptions;
  /** how many past rates to keep per log (at least the trend window); defaults to a minute's worth for sparklines */
  historyLength?: number;
  now?: () => number;
  random?: () => number;
}

export class Sampler {
  private readonly states: HostState[];
  private readonly limit: ReturnType<typeof pLimit>;
  private readonly now: () => number;
  private readonly random: () => number;
  private readonly historyLength: number;
  private ticks = 0;
  private readonly inFlight = new Set<Promise<void>>();

  constructor(
    hosts: readonly HostPlan[],
    private readonly transport: Transport,
    private readonly options: SamplerOptions,
  ) {
    this.states = hosts.map(initialState);
    this.limit = pLimit(options.parallel);
    this.now = options.now ?? Date.now;
    this.random = options.random ?? Math.random;
    const minute = Math.ceil(60_000 / Math.max(options.intervalMs, 1));
    this.historyLength = Math.max(options.historyLength ?? Math.min(minute, 600), options.trend.window + 1);
  }

  /**
   * Sample every due host; resolve with a snapshot when all answered, at `deadlineMs`, or on abort.
   * With `settle`, also wait for samples still in flight from earlier ticks (a run's final answer).
   */
  async tick(deadlineMs: number, signal?: AbortSignal, { settle = false } = {}): Promise<Snapshot> {
    const started = this.now();
    const launched = this.states.filter((state) => state.busySince === null && state.retryAt <= started).map((state) => this.launch(state, started));
    const awaited = settle ? [...this.inFlight] : launched;
    let timer: NodeJS.Timeout | undefined;
    let onAbort: (() => void) | undefined;
    const deadline = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, Math.max(0, deadlineMs - started));
      onAbort = () => resolve();
      signal?.addEventListener('abort', onAbort, { once: true });
    });
    await Promise.race([Promise.all(awaited), deadline]);
    clearTimeout(timer);
    if (onAbort) signal?.removeEventListener('abort', onAbort);
    return this.snapshot(this.now() - started);
  }

  /** The current state as a snapshot, without sampling. */
  snapshot(roundMs = 0): Snapshot {
    const now = this.now();
    const rows = this.states.flatMap((state) => rowsOf(state, now, this.options.trend));
    return { time: now, intervalMs: this.options.intervalMs, tick: ++this.ticks, roundMs, rows, total: totalOf(rows) };
  }

  private launch(state: HostState, startedMs: number): Promise<void> {
    state.busySince = startedMs;
    const sampled: Promise<void> = this.limit(() => this.sample(state)).finally(() => {
      state.busySince = null;
      this.inFlight.delete(sampled);
    });
    this.inFlight.add(sampled);
    return sampled;
  }

  private async sample(state: HostState): Promise<void> {
    const requests = state.plan.watches.map((watch, index) => probeRequestFor(watch.log, state.memories[index]!, watch.patterns.map((pattern) => pattern.regex)));
    // The count on the host gives up a little before we do, so its answer can still arrive.
    const script = buildProbeScript(requests, { remoteTimeoutSeconds: (this.options.timeoutMs / 1000) * 0.8 });
    try {
      const sentAt = this.now() / 1000;
      const stdout = await this.transport.exec(state.plan.spec, script, this.options.timeoutMs);
      const result = parseProbeOutput(stdout, requests.length);
      applyProbe(state, result, { sentAt, receivedAt: this.now() / 1000 }, this.historyLength);
    } catch (error) {
      applyFailure(state, asHostError(error), this.now(), this.random(), this.historyLength);
    }
  }
}

function asHostError(error: unknown): HostError {
  if (error instanceof HostError) return error;
  if (error instanceof ProbeOutputError) return new HostError('badoutput', `unexpected output from the host: ${error.message}`, { cause: error });
  return new HostError('error', error instanceof Error ? error.message : String(error), { cause: error });
}
