/**
 * A sparkline of recent rates in `width` cells: older samples are averaged
 * into buckets so the whole history fits; a bucket with only failed samples
 * is a gap (space), never drawn as zero. Given the history's `capacity`,
 * buckets keep one size from the first sample on, so the line grows from the
 * right as the history fills instead of halving when it outgrows the width.
 */
import type { Glyphs } from './style.js';
import { meanOfKnown } from '../core/trend.js';

export function sparkline(values: readonly (number | null)[], width: number, glyphs: Glyphs, { ceiling, capacity }: { ceiling?: number; capacity?: number } = {}): string {
  if (width <= 0) return '';
  if (values.length === 0) return ' '.repeat(width);
  const per = Math.max(1, Math.ceil(Math.max(values.length, capacity ?? 0) / width));
  const buckets: (number | null)[] = [];
  // Bucket from the newest end, so the latest sample always has its own place at the right.
  for (let end = values.length; end > 0 && buckets.length < width; end -= per) {
    buckets.unshift(meanOfKnown(values.slice(Math.max(0, end - per), end)));
  }
  const max = ceiling ?? Math.max(0, ...buckets.filter((value): value is number => value !== null));
  const top = glyphs.spark.length - 1;
  const cells = buckets.map((value) => {
    if (value === null) return ' ';
    if (max <= 0) return glyphs.spark[0];
    return glyphs.spark[Math.min(top, Math.round((value / max) * top))];
  });
  return ' '.repeat(width - cells.length) + cells.join('');
}
