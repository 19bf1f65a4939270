/**
 * What the sampler needs from the network: run the probe script on a host and
 * hand back its output. The real implementation speaks SSH; tests and the
 * demo can pass anything with this shape.
 */
import type { HostSpec } from '../core/host-spec.js';

export interface Transport {
  /**
   * Run `script` with /bin/sh on the host and resolve with its stdout.
   * Rejects with a HostError whose status says what went wrong.
   */
  exec(host: HostSpec, script: string, timeoutMs: number): Promise<string>;
  /** Close every connection. */
  close(): Promise<void>;
}
