/**
 * Watch a sampler the way `pvlook --watch` does (runWatch in src/cli/run.ts,
 * on the same ViewClock):
 * every host on its own schedule (start()), and a view every interval, the
 * first as soon as every host has answered once; each view is the sampler's
 * snapshot with the watch's own staleness rule. Every view is kept, for fault
 * tests that judge what each one showed. The sampler's interval must be the
 * watch's: pass the same intervalMs to both.
 */
import type { Snapshot } from '../../src/core/snapshot.js';
import type { Sampler } from '../../src/sampler/sampler.js';
import { ViewClock } from '../../src/sampler/view-clock.js';

export class Ticker {
  readonly snapshots: Snapshot[] = [];
  private clock: ViewClock | null = null;

  constructor(
    private readonly sampler: Sampler,
    private readonly intervalMs: number,
  ) {}

  /** The next view: at the next interval (the first once every host has answered, or at the first interval). */
  async tick(): Promise<Snapshot> {
    if (this.clock === null) {
      this.sampler.start();
      this.clock = new ViewClock(this.sampler, this.intervalMs);
    }
    await this.clock.next();
    const snapshot = this.sampler.snapshot();
    this.snapshots.push(snapshot);
    this.clock.shown();
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
