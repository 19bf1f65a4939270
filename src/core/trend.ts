/**
 * Up / down / flat, as the old pv_look did: compare the current rate with the
 * mean of the previous samples. A dead band keeps noise from flapping the arrow.
 */
export type Trend = 'up' | 'down' | 'flat';

export interface TrendOptions {
  /** how many previous rates the mean covers */
  window: number;
  /** relative dead band: a change within this fraction of the mean is flat */
  deadband: number;
  /** absolute dead band in lines/s, so near-idle logs do not flap between 0 and 1 */
  minDelta: number;
}

export const DEFAULT_TREND: TrendOptions = { window: 10, deadband: 0.1, minDelta: 0.5 };

/** The mean of the known values (null marks a gap and is skipped), or null when there are none. */
export function meanOfKnown(values: readonly (number | null)[]): number | null {
  let sum = 0;
  let count = 0;
  for (const value of values) {
    if (value === null) continue;
    sum += value;
    count++;
  }
  return count === 0 ? null : sum / count;
}

/**
 * @param previous earlier rates, oldest first; null marks a gap (failed sample) and is skipped
 * @returns null when there is no current rate or nothing to compare with
 */
export function trendOf(previous: readonly (number | null)[], current: number | null, options: TrendOptions): Trend | null {
  if (current === null) return null;
  const mean = meanOfKnown(previous.slice(-options.window));
  if (mean === null) return null;
  const band = Math.max(mean * options.deadband, options.minDelta);
  if (current > mean + band) return 'up';
  if (current < mean - band) return 'down';
  return 'flat';
}
