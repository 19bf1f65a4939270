/**
 * The odd one out. The logs of one pool (a group's logs of one path) should
 * look alike: about the same rate, about the same share of errors. Each log's
 * value is compared with the pool's median, which one outlier cannot move
 * much, so the outlier stands out against the others rather than dragging
 * them along. A log is odd only when it stays below `low` or above `high`
 * times the median for `samples` samples in a row: one noisy sample does not
 * flag a host.
 *
 * Pure: each member's recent values in, one verdict per member out.
 */

export interface PeerOptions {
  /** logs with a value (the log itself included) a comparison needs */
  minPeers: number;
  /** odd when below this many times the peers' median */
  low: number;
  /** odd when above this many times the peers' median */
  high: number;
  /** samples in a row a log must stay beyond `low` or `high` */
  samples: number;
  /** lines/s the peers' median must reach for a rate ratio to mean something */
  minRate: number;
  /** share of lines (0..1) below which a pattern's share is never odd (a host at 0.2 % among peers at 0.05 % is noise) */
  minShare: number;
}

export const DEFAULT_PEER_OPTIONS: PeerOptions = { minPeers: 3, low: 0.5, high: 2, samples: 3, minRate: 1, minShare: 0.01 };

export type OddSide = 'low' | 'high';

export interface PeerVerdict {
  /** the log's value over its peers' median now; null when there is no meaningful one (the reason says why) */
  ratio: number | null;
  /** the peers' median now (the log itself included); null with too few peers */
  median: number | null;
  /** how many logs of the pool had a value now */
  peers: number;
  /** the side it stayed on for the last `samples` samples, or null */
  odd: OddSide | null;
  /** why there is no ratio, or why the log is odd; null for an ordinary log */
  reason: string | null;
}

/** What is compared: a rate (lines/s, floor on the median) or a share (0..1, floor on the share itself). */
export type Measure = 'rate' | 'share';

/**
 * Compare every member of one pool. `values[m][j]` is member m's value `j`
 * samples ago (0 = now), null where it had none; every member has at least
 * `options.samples` positions (missing ones count as null).
 */
export function comparePool(values: readonly (readonly (number | null)[])[], measure: Measure, options: PeerOptions): PeerVerdict[] {
  const depth = Math.max(1, options.samples);
  const medians: (number | null)[] = [];
  const counts: number[] = [];
  const scratch = new Float64Array(values.length);
  for (let j = 0; j < depth; j++) {
    let count = 0;
    for (const member of values) {
      const value = member[j];
      if (value !== null && value !== undefined) scratch[count++] = value;
    }
    counts.push(count);
    medians.push(count >= options.minPeers ? medianOf(scratch.subarray(0, count)) : null);
  }
  return values.map((member) => verdictOf(member, medians, counts, measure, options));
}

function verdictOf(member: readonly (number | null)[], medians: readonly (number | null)[], counts: readonly number[], measure: Measure, options: PeerOptions): PeerVerdict {
  const peers = counts[0] ?? 0;
  const median = medians[0] ?? null;
  const own = member[0] ?? null;
  if (median === null) return { ratio: null, median: null, peers, odd: null, reason: `${peers} ${peers === 1 ? 'log' : 'logs'} of the group with a ${measure === 'rate' ? 'rate' : 'count'} now; a comparison needs ${options.minPeers}` };
  if (own === null) return { ratio: null, median, peers, odd: null, reason: `no ${measure === 'rate' ? 'rate' : 'count'} of its own now` };
  if (measure === 'rate' && median < options.minRate) return { ratio: null, median, peers, odd: null, reason: `the peers' median is below ${options.minRate} lines/s` };
  const ratio = median > 0 ? own / median : null;
  const odd = sideOf(member, medians, measure, options);
  if (odd !== null) return { ratio, median, peers, odd, reason: oddReason(odd, measure, options) };
  return { ratio, median, peers, odd: null, reason: ratio === null ? "the peers' median is 0" : null };
}

/** The side every one of the last `samples` positions is on, or null when they are not all on one side. */
function sideOf(member: readonly (number | null)[], medians: readonly (number | null)[], measure: Measure, options: PeerOptions): OddSide | null {
  let side: OddSide | null = null;
  for (let j = 0; j < Math.max(1, options.samples); j++) {
    const here = positionSide(member[j] ?? null, medians[j] ?? null, measure, options);
    if (here === null || (side !== null && here !== side)) return null;
    side = here;
  }
  return side;
}

function positionSide(own: number | null, median: number | null, measure: Measure, options: PeerOptions): OddSide | null {
  if (own === null || median === null) return null;
  if (measure === 'rate') {
    if (median < options.minRate) return null;
    return own < options.low * median ? 'low' : own > options.high * median ? 'high' : null;
  }
  // A share is odd high only when it is large in itself; odd low only when the peers' share is.
  if (own >= options.minShare && own > options.high * median) return 'high';
  if (median >= options.minShare && own < options.low * median) return 'low';
  return null;
}

function oddReason(side: OddSide, measure: Measure, options: PeerOptions): string {
  const samples = `${options.samples} ${options.samples === 1 ? 'sample' : 'samples'} in a row`;
  if (side === 'low') return `below ${options.low}× its peers' median for ${samples}`;
  const floor = measure === 'share' ? ` (and at least ${options.minShare * 100}% of lines)` : '';
  return `above ${options.high}× its peers' median${floor} for ${samples}`;
}

/** Median of a few numbers; sorts its argument in place. */
export function medianOf(values: Float64Array): number {
  values.sort();
  const middle = values.length >> 1;
  return values.length % 2 === 1 ? values[middle]! : (values[middle - 1]! + values[middle]!) / 2;
}
