/**
 * When a watch shows its next view: one every interval from the start, the
 * first as soon as every host has answered once (or at the first interval).
 * A view that came late (a slow terminal) skips the slots already missed
 * rather than bunching up. `--watch` and the fault tests keep this one clock.
 */
import type { Sampler } from './sampler.js';

export class ViewClock {
  private readonly start = Date.now();
  private slot = 0;
  private views = 0;

  constructor(
    private readonly sampler: Sampler,
    private readonly intervalMs: number,
  ) {}

  /** Wait until the next view is due (or the signal ends the watch). */
  async next(signal?: AbortSignal): Promise<void> {
    const due = this.start + (this.slot + 1) * this.intervalMs;
    if (this.views === 0) await this.sampler.waitForSamples(1, due, signal);
    else await sleep(due - Date.now(), signal);
  }

  /** A view was shown: the next is due at the next slot not yet passed. */
  shown(): void {
    this.views++;
    this.slot = Math.max(this.slot + 1, Math.floor((Date.now() - this.start) / this.intervalMs));
  }
}

export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  if (ms <= 0 || signal?.aborted) return Promise.resolve();
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal?.addEventListener('abort', done, { once: true });
  });
}
