/**
 * What the sampler asks of a host: one sample of its logs, as structured
 * requests and results. The shell prober speaks the wire format over a
 * transport; tests pass their own.
 */
import type { HostTarget } from '../core/host-target.js';
import type { ProbeRequest, ProbeResult } from '../core/probe-types.js';
import type { QueueHold } from '../transport/transport.js';

export interface Prober {
  /**
   * Sample every log in `requests` on `host`, reached as its settings say
   * (a plain HostSpec takes the defaults). Rejects with a HostError; gives
   * up as soon as `signal` aborts (its reason says why: a deadline or a shutdown).
   * `hold` is called while the host waits in pvlook's own queues (see QueueHold).
   */
  sample(host: HostTarget, requests: readonly ProbeRequest[], signal: AbortSignal, hold?: QueueHold): Promise<Sampled>;
  /** Close every session. */
  close(): Promise<void>;
}

/** A sample's result, and when its request went out (ms, local clock), if the prober knows: after connecting, not before. */
export type Sampled = ProbeResult & { sentAt?: number };

