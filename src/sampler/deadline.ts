/**
 * A sample's deadline that stops while the host waits in one of pvlook's own
 * queues (a handshake slot, a process slot): the time a host is given is for
 * work done for it, so a host that was never tried cannot time out.
 */
import { HostError } from '../errors.js';

export class SampleDeadline {
  private readonly controller = new AbortController();
  private timer: NodeJS.Timeout | null = null;
  private remainingMs: number;
  private runningSince: number;
  private holds = 0;
  /** why the host is waiting, while it is */
  queuedFor: string | null = null;
  /** whether this sample has waited in a queue at all */
  wasQueued = false;

  constructor(
    private readonly timeoutMs: number,
    private readonly now: () => number,
  ) {
    this.remainingMs = timeoutMs;
    this.runningSince = now();
    this.arm();
  }

  get signal(): AbortSignal {
    return this.controller.signal;
  }

  /** Stop the clock while waiting in pvlook's own queue; the returned function starts it again (once). */
  hold = (why: string): (() => void) => {
    if (this.controller.signal.aborted) return () => undefined;
    if (this.holds++ === 0) {
      this.remainingMs -= this.now() - this.runningSince;
      this.disarm();
    }
    this.queuedFor = why;
    this.wasQueued = true;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      if (--this.holds > 0 || this.controller.signal.aborted) return;
      this.queuedFor = null;
      this.runningSince = this.now();
      this.arm();
    };
  };

  abort(reason: HostError): void {
    this.disarm();
    this.controller.abort(reason);
  }

  clear(): void {
    this.disarm();
  }

  private arm(): void {
    this.timer = setTimeout(() => this.controller.abort(new HostError('timeout', `no answer within ${this.timeoutMs / 1000}s`)), Math.max(0, this.remainingMs));
  }

  private disarm(): void {
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
  }
}
