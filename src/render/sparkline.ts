/**
 * A sparkline of recent rates in `width` cells, in the terminal's glyphs: the
 * levels come from core/display-format.js, the page's rule too (older samples
 * averaged into buckets, a bucket of failed samples a gap, never a zero).
 */
import type { Glyphs } from './style.js';
import { sparkLevels } from '../core/display-format.js';

export function sparkline(values: readonly (number | null)[], width: number, glyphs: Glyphs, options: { ceiling?: number; capacity?: number } = {}): string {
  if (width <= 0) return '';
  const cells = sparkLevels(values, width, options).map((level) => (level === null ? ' ' : glyphs.spark[Math.min(glyphs.spark.length - 1, level)]!));
  return ' '.repeat(width - cells.length) + cells.join('');
}
