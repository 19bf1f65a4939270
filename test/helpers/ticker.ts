/**
 * Watch a sampler the way `pvlook --watch` does (runWatch in src/cli/run.ts):
 * every host on its own schedule (start()), and a view every interval, the
 * first as soon as every host has answered once; each view is the sampler's
 * snapshot with the watch's own staleness rule. Every view is kept, for fault
 * tests that judge what each one showed. The sampler's interval must be the
 * watch's: pass the same intervalMs to both.
 */
import type { Snapshot } from '../../src/core/snapshot.js';
import type { Sampler } from '../../src/sampler/sampler.js';
import { sleep } from '../../src/cli/run.js';

export class Ticker {
  readonly snapshots: Snapshot[] = [];
  private slot = 0;
  private start: number | null = null;

  constructor(
    private readonly sampler: Sampler,
    private readonly intervalMs: number,
  ) {}

  /** The next view: at the next interval (the first once every host has answered, or at the first interval). */
  async tick(): Promise<Snapshot> {
    if (this.start === null) {
      this.start = Date.now();
      this.sampler.start();
    }
    const due = this.start + (this.slot + 1) * this.intervalMs;
    if (this.snapshots.length === 0) await this.sampler.waitForSamples(1, due);
    else await sleep(due - Date.now());
    const snapshot = this.sampler.snapshot();
    this.snapshots.push(snapshot);
    // As the watch does: a view that came late skips the slots already missed rather than bunching up.
    this.slot = Math.max(this.slot + 1, Math.floor((Date.now() - this.start) / this.intervalMs));
    return snapshot;
  }

  /** Views until `done` holds for one, at most `limit`; returns the views taken. */
  async until(done: (snapshot: Snapshot) => boolean, limit: number, each?: (snapshot: Snapshot) => void): Promise<number> {
    for (let taken = 1; taken <= limit; taken++) {
      const snapshot = await this.tick();
      each?.(snapshot);
      if (done(snapshot)) return taken;
    }
    throw new Error(`condition not reached in ${limit} views; last: ${JSON.stringify(this.snapshots.at(-1)?.rows.map((row) => [row.host, row.status, row.error]))}`);
  }

  /** Stop the watch: the sampler's schedule, its samples in flight and its sessions. */
  stop(): Promise<void> {
    return this.sampler.stop();
  }
}
