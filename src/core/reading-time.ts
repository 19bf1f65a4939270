/**
 * When a reading was taken. The remote clock (the host's uptime, or its
 * `date`, read in the same request as the count) is the precise one: it
 * leaves SSH latency out of the interval. The local send and receive times bound when the reading happened,
 * which lets a remote clock that jumped (an NTP step, a VM resumed) be caught.
 */
import type { RemoteClock } from '../probe/wire.js';

export interface ReadingTime {
  /** seconds on the host's clock, or null if the host has no clock pvlook can read finely enough */
  remote: number | null;
  /** which clock `remote` is: readings of different clocks cannot be compared */
  clock?: RemoteClock | null;
  /** local seconds when the command was sent and when its answer arrived */
  sentAt: number;
  receivedAt: number;
}

/** Slack for clock granularity and scheduling, seconds. */
const SLACK = 0.05;

/**
 * Seconds between two readings, or null when the clocks disagree so much that
 * no honest interval can be given.
 */
export function secondsBetween(earlier: ReadingTime, later: ReadingTime): number | null {
  if (earlier.remote !== null && later.remote !== null && earlier.clock === later.clock) {
    const remote = later.remote - earlier.remote;
    // The two remote readings happened within these local bounds; the host's
    // clock offset cancels out, its jumps do not.
    const shortest = later.sentAt - earlier.receivedAt - SLACK;
    const longest = later.receivedAt - earlier.sentAt + SLACK;
    if (remote < shortest || remote > longest) return null;
    return remote > 0 ? remote : null;
  }
  const local = midpoint(later) - midpoint(earlier);
  return local > 0 ? local : null;
}

function midpoint(time: ReadingTime): number {
  return (time.sentAt + time.receivedAt) / 2;
}
