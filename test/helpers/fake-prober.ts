/**
 * A prober whose answers the test controls: each host answers from a
 * counter, or hangs until released, or fails. Passed in, not mocked; it
 * speaks the structured requests and results the sampler uses.
 */
import { HostError } from '../../src/errors.js';
import type { HostSpec } from '../../src/core/host-spec.js';
import type { Prober } from '../../src/probe/prober.js';
import type { LogProbe, ProbeRequest, ProbeResult } from '../../src/core/probe-types.js';

export interface FakeHost {
  lines: number;
  fileId?: string;
  /** while set, a sample waits on this promise (or until its deadline) */
  hold?: Promise<void>;
  fail?: HostError;
  /** remote clock in seconds; without it, the (possibly mocked) wall clock */
  clock?: number;
  /** each sample takes this long (a timer: mock timers drive it) */
  delayMs?: number;
}

/** Each line is ten bytes long, so offsets and line counts convert exactly. */
const LINE = 10;

export class FakeProber implements Prober {
  readonly calls: string[] = [];
  inFlight = new Map<string, number>();
  maxInFlightPerHost = 0;
  constructor(readonly hosts: Map<string, FakeHost>) {}

  async sample(host: HostSpec, requests: readonly ProbeRequest[], signal: AbortSignal): Promise<ProbeResult> {
    this.calls.push(host.label);
    const active = (this.inFlight.get(host.label) ?? 0) + 1;
    this.inFlight.set(host.label, active);
    this.maxInFlightPerHost = Math.max(this.maxInFlightPerHost, active);
    try {
      const state = this.hosts.get(host.label);
      if (!state) throw new HostError('dns', 'no such host');
      if (state.hold) await untilAborted(state.hold, signal);
      if (state.delayMs) await untilAborted(new Promise((resolve) => setTimeout(resolve, state.delayMs)), signal);
      if (state.fail) throw state.fail;
      const fileId = state.fileId ?? '1';
      const size = state.lines * LINE;
      const logs = requests.map((request): LogProbe => {
        const previous = request.previous;
        if (previous === null) return { kind: 'ok', fileId, offset: size, newLines: null, reason: 'first' };
        if (previous.fileId !== fileId) return { kind: 'ok', fileId, offset: size, newLines: null, reason: 'rotated' };
        if (previous.offset > size) return { kind: 'ok', fileId, offset: size, newLines: null, reason: 'truncated' };
        return { kind: 'ok', fileId, offset: size, newLines: (size - previous.offset) / LINE };
      });
      return { remoteTime: state.clock ?? Date.now() / 1000, clock: 'wall', logs };
    } finally {
      this.inFlight.set(host.label, (this.inFlight.get(host.label) ?? 1) - 1);
    }
  }

  async close(): Promise<void> {}
}

function untilAborted(work: Promise<void>, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const onAbort = () => reject(signal.reason instanceof HostError ? signal.reason : new HostError('timeout', 'aborted'));
    if (signal.aborted) return onAbort();
    signal.addEventListener('abort', onAbort, { once: true });
    work.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}
