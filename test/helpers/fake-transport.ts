/**
 * A transport whose answers the test controls: each host answers from a
 * counter, or hangs until released, or fails. Passed in, not mocked.
 */
import { HostError } from '../../src/errors.js';
import type { HostSpec } from '../../src/core/host-spec.js';
import { parseProbeScript } from '../../src/core/probe.js';
import { formatProbeOutput } from '../../src/demo/simulated-log.js';
import type { Transport } from '../../src/transport/transport.js';

export interface FakeHost {
  lines: number;
  fileId?: string;
  /** while set, exec waits on this promise */
  hold?: Promise<void>;
  fail?: HostError;
  /** remote clock in seconds */
  clock?: number;
}

export class FakeTransport implements Transport {
  readonly calls: string[] = [];
  inFlight = new Map<string, number>();
  maxInFlightPerHost = 0;
  constructor(readonly hosts: Map<string, FakeHost>) {}

  async exec(host: HostSpec, script: string): Promise<string> {
    this.calls.push(host.label);
    const active = (this.inFlight.get(host.label) ?? 0) + 1;
    this.inFlight.set(host.label, active);
    this.maxInFlightPerHost = Math.max(this.maxInFlightPerHost, active);
    try {
      const state = this.hosts.get(host.label);
      if (!state) throw new HostError('dns', 'no such host');
      if (state.hold) await state.hold;
      if (state.fail) throw state.fail;
      const fileId = state.fileId ?? '1';
      const logs = parseProbeScript(script).map((request) => {
        const size = state.lines * 10;
        const continues = request.previous !== null && request.previous.fileId === fileId && request.previous.offset <= size;
        return { kind: 'ok' as const, fileId, size, newLines: continues ? (size - request.previous!.offset) / 10 : null };
      });
      return formatProbeOutput(state.clock ?? 0, logs);
    } finally {
      this.inFlight.set(host.label, (this.inFlight.get(host.label) ?? 1) - 1);
    }
  }

  async close(): Promise<void> {}
}
