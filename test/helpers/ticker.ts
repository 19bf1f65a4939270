/**
 * Drive a sampler the way watch mode does (fixed schedule, each tick closing
 * at the next slot) and keep every snapshot, for fault-injection tests.
 */
import type { Snapshot } from '../../src/core/snapshot.js';
import type { Sampler } from '../../src/sampler/sampler.js';

export class Ticker {
  readonly snapshots: Snapshot[] = [];
  private slot = 0;
  private readonly start = Date.now();

  constructor(
    private readonly sampler: Sampler,
    private readonly intervalMs: number,
  ) {}

  async tick(): Promise<Snapshot> {
    const deadline = this.start + ++this.slot * this.intervalMs;
    const snapshot = await this.sampler.tick(deadline);
    const wait = deadline - Date.now();
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    this.snapshots.push(snapshot);
    return snapshot;
  }

  /** Tick until `done` holds for a snapshot, at most `limit` ticks; returns the ticks taken. */
  async until(done: (snapshot: Snapshot) => boolean, limit: number, each?: (snapshot: Snapshot) => void): Promise<number> {
    for (let taken = 1; taken <= limit; taken++) {
      const snapshot = await this.tick();
      each?.(snapshot);
      if (done(snapshot)) return taken;
    }
    throw new Error(`condition not reached in ${limit} ticks; last: ${JSON.stringify(this.snapshots.at(-1)?.rows.map((row) => [row.host, row.status, row.error]))}`);
  }
}
