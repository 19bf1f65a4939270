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
 * samples ago (0 = now), null where it had none; missing positions count as
 * null.
 */
export function comparePool(values: readonly (readonly (number | null)[])[], measure: Measure, options: PeerOptions): PeerVerdict[] {
  const depth = Math.max(1, options.samples);
  const flat = new Float64Array(values.length * depth).fill(NaN);
  values.forEach((member, m) => {
    for (let j = 0; j < depth; j++) {
      const value = member[j];
      if (value !== null && value !== undefined) flat[m * depth + j] = value;
    }
  });
  return comparePoolValues(flat, values.length, measure, options);
}

/**
 * The same over one flat array: member m's value j samples ago at
 * `values[m * samples + j]`, NaN where it had none. No array per member: a
 * view of 5,000 logs compares them without garbage to collect.
 */
export function comparePoolValues(values: Float64Array, members: number, measure: Measure, options: PeerOptions): PeerVerdict[] {
  const depth = Math.max(1, options.samples);
  const medians = new Float64Array(depth).fill(NaN);
  const scratch = new Float64Array(members);
  let peers = 0;
  for (let j = 0; j < depth; j++) {
    let count = 0;
    for (let m = 0; m < members; m++) {
      const value = values[m * depth + j]!;
      if (!Number.isNaN(value)) scratch[count++] = value;
    }
    if (j === 0) peers = count;
    if (count >= options.minPeers) medians[j] = medianOf(scratch.subarray(0, count));
  }
  const verdicts: PeerVerdict[] = new Array<PeerVerdict>(members);
  for (let m = 0; m < members; m++) verdicts[m] = verdictOf(values, m * depth, medians, peers, measure, options);
  return verdicts;
}

function verdictOf(values: Float64Array, at: number, medians: Float64Array, peers: number, measure: Measure, options: PeerOptions): PeerVerdict {
  const median = medians[0]!;
  const own = values[at]!;
  if (Number.isNaN(median)) return { ratio: null, median: null, peers, odd: null, reason: `${peers} ${peers === 1 ? 'log' : 'logs'} of the group with a ${measure === 'rate' ? 'rate' : 'count'} now; a comparison needs ${options.minPeers}` };
  if (Number.isNaN(own)) return { ratio: null, median, peers, odd: null, reason: `no ${measure === 'rate' ? 'rate' : 'count'} of its own now` };
  if (measure === 'rate' && median < options.minRate) return { ratio: null, median, peers, odd: null, reason: `the peers' median is below ${options.minRate} lines/s` };
  const ratio = median > 0 ? own / median : null;
  const odd = sideOf(values, at, medians, measure, options);
  if (odd !== null) return { ratio, median, peers, odd, reason: oddReason(odd, measure, options) };
  return { ratio, median, peers, odd: null, reason: ratio === null ? "the peers' median is 0" : null };
}

/** The side every one of the last `samples` positions is on, or null when they are not all on one side. */
function sideOf(values: Float64Array, at: number, medians: Float64Array, measure: Measure, options: PeerOptions): OddSide | null {
  let side: OddSide | null = null;
  for (let j = 0; j < medians.length; j++) {
    const here = positionSide(values[at + j]!, medians[j]!, measure, options);
    if (here === null || (side !== null && here !== side)) return null;
    side = here;
  }
  return side;
}

/** Which side of the peers one position is on; NaN is no value. */
function positionSide(own: number, median: number, measure: Measure, options: PeerOptions): OddSide | null {
  if (Number.isNaN(own) || Number.isNaN(median)) return null;
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
