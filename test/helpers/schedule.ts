/**
 * A sampler driven as pvlook's own runs drive it: start() puts every host on
 * its production schedule (a sample now, then one interval after each
 * reading), and each wait is the run's own waitForSamples. A test counts in
 * samples, never in seconds.
 *
 * next(): the schedule runs freely, one interval between a host's samples.
 * With one host, a change a test makes right after next() resolves always
 * lands between that sample and the next: the next one is a timer away, and
 * timers run only after the test's synchronous code. With several hosts, one
 * may start its next sample before the slowest has answered this one, so:
 *
 * step(): every host takes exactly one more sample and stops, a `--count`
 * run of one more sample each (start(n) again): a change made between steps
 * lands between the same two samples on every host.
 *
 * Both count as runs do, in answers in a row: each wait is for every host's
 * next answer while all keep answering (or for its next failure while it
 * keeps failing); a host that answers again after failing first answers as
 * many in a row as the count says.
 */
import type { Snapshot } from '../../src/core/snapshot.js';
import type { Sampler } from '../../src/sampler/sampler.js';

/** Far longer than any sample takes here: reaching it is a failure, not a timing assertion. */
const PATIENCE_MS = 30_000;

export class Schedule {
  private answered = 0;

  constructor(readonly sampler: Sampler) {}

  /** Put every host on its schedule for good (as a watch does), also after steps; next() then waits for each sample. */
  run(): this {
    this.sampler.start();
    return this;
  }

  /**
   * Resolve with a snapshot once every host has answered one more sample in a
   * row than at the last call (or has failed that many tries), as a run's
   * answer is: hosts busy then are shown stale.
   */
  async next(): Promise<Snapshot> {
    this.answered++;
    return this.answers();
  }

  /** One more sample of every host, then each stops until the next step: start(n), as a run of n samples does. */
  async step(): Promise<Snapshot> {
    this.sampler.start(++this.answered);
    return this.answers();
  }

  private async answers(): Promise<Snapshot> {
    const deadline = Date.now() + PATIENCE_MS;
    await this.sampler.waitForSamples(this.answered, deadline);
    if (Date.now() >= deadline) throw new Error(`not every host answered sample ${this.answered} in ${PATIENCE_MS / 1000} s: ${JSON.stringify(this.sampler.snapshot(0).rows.map((row) => [row.host, row.status, row.error]))}`);
    return this.sampler.snapshot(0);
  }

  stop(): Promise<void> {
    return this.sampler.stop();
  }
}

/** Every host's first sample on the production schedule, after which each stops (its shell stays open). */
export function firstSample(sampler: Sampler): Promise<Snapshot> {
  return new Schedule(sampler).step();
}
