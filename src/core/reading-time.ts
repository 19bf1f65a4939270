/**
 * When a reading was taken. The remote clock (the host's uptime, or its
 * `date`, read in the same request as the count) is the precise one: it
 * leaves SSH latency out of the interval. The local send and receive times bound when the reading happened,
 * which lets a remote clock that jumped (an NTP step, a VM resumed) be caught.
 */
import type { RemoteClock } from './probe-types.js';

export interface ReadingTime {
  /** seconds on the host's clock, or null if the host has no clock pvlook can read finely enough */
  remote: number | null;
  /** which clock `remote` is: readings of different clocks cannot be compared */
  clock?: RemoteClock | null;
  /** the remote clock's step in seconds (the host's uptime has 0.01 s steps) */
  resolution?: number;
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
    const shortest = later.sentAt - earlier.receivedAt;
    const longest = later.receivedAt - earlier.sentAt;
    const step = Math.max(earlier.resolution ?? 0, later.resolution ?? 0);
    if (remote + step < shortest - SLACK || remote - step > longest + SLACK) return null;
    // Both clocks bound the same interval: a coarse remote clock (uptime's
    // 10 ms steps) is sharpened by the local bounds where those are tighter.
    const low = Math.max(remote - step, shortest);
    const high = Math.min(remote + step, longest);
    const seconds = low <= high ? (low + high) / 2 : remote;
    return seconds > 0 ? seconds : null;
  }
  const local = midpoint(later) - midpoint(earlier);
  return local > 0 ? local : null;
}

function midpoint(time: ReadingTime): number {
  return (time.sentAt + time.receivedAt) / 2;
}
