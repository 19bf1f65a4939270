/**
 * Colours and symbols in one place. chalk 5 ignores NO_COLOR, so the colour
 * decision is made once in the config step and passed in here.
 */
import { Chalk, type ChalkInstance } from 'chalk';
import type { Trend } from '../core/trend.js';
import type { RowStatus } from '../core/snapshot.js';

export interface Style {
  color: boolean;
  paint: ChalkInstance;
}

export function makeStyle(color: boolean): Style {
  return { color, paint: new Chalk({ level: color ? 1 : 0 }) };
}

/** Lines per second, with fewer decimals as numbers grow; an em dash for unknown. */
export function formatRate(rate: number | null): string {
  if (rate === null) return '—';
  if (rate >= 100) return rate.toFixed(0);
  if (rate >= 10) return rate.toFixed(1);
  return rate.toFixed(2);
}

/** Arrow and word, so the trend also reads without colour. */
export function formatTrend(trend: Trend | null, style: Style): string {
  switch (trend) {
    case 'up':
      return style.paint.green('▲ up');
    case 'down':
      return style.paint.red('▼ down');
    case 'flat':
      return style.paint.dim('· flat');
    default:
      return style.paint.dim('—');
  }
}

export function formatStatus(status: RowStatus, style: Style): string {
  if (status === 'ok') return style.paint.green('ok');
  if (status === 'stale') return style.paint.yellow('… stale');
  return style.paint.red.bold(`✗ ${status}`);
}
