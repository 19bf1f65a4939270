// @ts-check
/**
 * How pvlook writes its numbers for people: rates, shares of lines,
 * durations, and sparkline levels. One plain module with no imports, so the
 * terminal (through TypeScript) and the web page (served as it is) use the
 * very same rule and show the same text for the same value.
 */

/**
 * Lines per second: three significant digits below 100, whole numbers above,
 * thousands as "k" from 100,000; the band is chosen after rounding, so 99.96
 * is "100", never "100.0" beside a "100".
 * @param {number | null | undefined} rate
 * @param {string} [unknown] what an unknown rate reads as
 * @returns {string}
 */
export function formatRate(rate, unknown = '—') {
  if (rate === null || rate === undefined || !Number.isFinite(rate)) return unknown;
  if (rate >= 100_000) return `${(rate / 1000).toFixed(0)}k`;
  if (rate >= 99.95) return rate.toFixed(0);
  if (rate >= 9.995) return rate.toFixed(1);
  return rate.toFixed(2);
}

/**
 * A share of lines (0..1) as a percentage with one decimal: 1.2%, 25.0%.
 * @param {number | null | undefined} share
 * @param {string} [unknown]
 * @returns {string}
 */
export function formatShare(share, unknown = '—') {
  if (share === null || share === undefined || !Number.isFinite(share)) return unknown;
  return `${(share * 100).toFixed(1)}%`;
}

/**
 * A ratio to the peers' median: 0.20×, 12.0×, 150× (0.20x with `times` x, in ASCII).
 * @param {number | null | undefined} ratio
 * @param {string} [unknown]
 * @param {string} [times] the sign after the number
 * @returns {string}
 */
export function formatRatio(ratio, unknown = '—', times = '×') {
  if (ratio === null || ratio === undefined || !Number.isFinite(ratio)) return unknown;
  if (ratio >= 100) return `${ratio.toFixed(0)}${times}`;
  if (ratio >= 10) return `${ratio.toFixed(1)}${times}`;
  return `${ratio.toFixed(2)}${times}`;
}

/**
 * Seconds as <1s, 45s, 12m, 3h, 2d; '' when unknown. The one rule for an
 * age in the terminal and on the page. Under a second is "<1s", never "0s"
 * (the sample is not that fresh) nor nothing (the age is known).
 * @param {number | null | undefined} seconds
 * @returns {string}
 */
export function formatDuration(seconds) {
  if (seconds === null || seconds === undefined || !Number.isFinite(seconds)) return '';
  if (seconds < 1) return '<1s';
  if (seconds < 90) return `${Math.round(seconds)}s`;
  if (seconds < 90 * 60) return `${Math.round(seconds / 60)}m`;
  if (seconds < 36 * 3600) return `${Math.round(seconds / 3600)}h`;
  return `${Math.round(seconds / 86400)}d`;
}

/** Sparkline levels there are (0, the lowest, to SPARK_LEVELS - 1). */
export const SPARK_LEVELS = 8;

/**
 * A sparkline of recent values in `width` places, as levels (0..7) or null
 * for a gap: older values are averaged into buckets so the whole history
 * fits, and a bucket with only unknown values (null or NaN: failed samples)
 * is a gap, never a zero. Given the history's `capacity`, buckets keep one
 * size from the first value on, so the line grows from the right instead of
 * halving as it fills. The scale runs from 0 to the largest bucket (or
 * `ceiling`). Fewer buckets than `width` are returned while the history is short.
 * @param {ArrayLike<number | null>} values oldest first
 * @param {number} width
 * @param {{ ceiling?: number, capacity?: number }} [options]
 * @returns {(number | null)[]}
 */
export function sparkLevels(values, width, options = {}) {
  if (width <= 0 || values.length === 0) return [];
  const per = Math.max(1, Math.ceil(Math.max(values.length, options.capacity ?? 0) / width));
  const count = Math.min(width, Math.ceil(values.length / per));
  /** @type {(number | null)[]} */
  const buckets = new Array(count);
  // From the newest end, so the latest value always has its own place at the right.
  let max = options.ceiling ?? 0;
  for (let b = count - 1, end = values.length; b >= 0; b--, end -= per) {
    let sum = 0;
    let known = 0;
    for (let i = Math.max(0, end - per); i < end; i++) {
      const value = values[i];
      if (value === null || value === undefined || !Number.isFinite(value)) continue;
      sum += value;
      known++;
    }
    const mean = known === 0 ? null : sum / known;
    buckets[b] = mean;
    if (options.ceiling === undefined && mean !== null && mean > max) max = mean;
  }
  const top = SPARK_LEVELS - 1;
  for (let b = 0; b < count; b++) {
    const value = buckets[b];
    if (value !== null && value !== undefined) buckets[b] = max <= 0 ? 0 : Math.min(top, Math.max(0, Math.round((value / max) * top)));
  }
  return buckets;
}
