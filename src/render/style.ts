/**
 * Colours and symbols in one place. chalk 5 ignores NO_COLOR, so the colour
 * decision is made once in the config step and passed in here. Every state
 * has a symbol as well as a colour, so it also reads without colour; ASCII
 * mode swaps the symbols for terminals where box and block characters misalign.
 */
import { Chalk, type ChalkInstance } from 'chalk';
import type { Trend } from '../core/trend.js';
import type { Row, RowStatus } from '../core/snapshot.js';
import { formatDuration, formatRate as formatRateText, formatShare as formatShareText } from '../core/display-format.js';

export interface Glyphs {
  up: string;
  down: string;
  flat: string;
  unknown: string;
  failed: string;
  stale: string;
  /** marks a log odd among its peers (a character, so it reads without colour) */
  odd: string;
  /** sparkline levels, lowest first */
  spark: readonly string[];
  rule: string;
  /** marks text cut to fit */
  ellipsis: string;
  /** between items of a status line */
  separator: string;
  /** after a ratio: 0.20× */
  times: string;
}

const UNICODE: Glyphs = { up: '▲', down: '▼', flat: '·', unknown: '—', failed: '✗', stale: '…', odd: '!', spark: ['▁', '▂', '▃', '▄', '▅', '▆', '▇', '█'], rule: '─', ellipsis: '…', separator: '·', times: '×' };
const ASCII: Glyphs = { up: '^', down: 'v', flat: '=', unknown: '-', failed: 'x', stale: '~', odd: '!', spark: ['_', '.', ':', '-', '=', '+', '*', '#'], rule: '-', ellipsis: '...', separator: '|', times: 'x' };

export interface Style {
  color: boolean;
  ascii: boolean;
  paint: ChalkInstance;
  glyphs: Glyphs;
}

export function makeStyle(color: boolean, ascii = false): Style {
  return { color, ascii, paint: new Chalk({ level: color ? 1 : 0 }), glyphs: ascii ? ASCII : UNICODE };
}

/** Lines per second, with fewer decimals as numbers grow; a dash for unknown (the page's rule too: core/display-format.js). */
export function formatRate(rate: number | null, glyphs: Glyphs = UNICODE): string {
  return formatRateText(rate, glyphs.unknown);
}

/** A share of lines as a percentage, the page's rule too. */
export function formatShare(share: number | null | undefined, glyphs: Glyphs = UNICODE): string {
  return formatShareText(share, glyphs.unknown);
}

/** Symbol and word (or the symbol alone, `short`), so the trend also reads without colour. */
export function trendText(trend: Trend | null, glyphs: Glyphs, short = false): string {
  if (trend === null) return short ? ' ' : glyphs.unknown;
  return short ? glyphs[trend] : `${glyphs[trend]} ${trend}`;
}

export function trendPaint(trend: Trend | null, style: Style): (text: string) => string {
  if (trend === 'up') return style.paint.green;
  if (trend === 'down') return style.paint.red;
  return style.paint.dim;
}

export function formatTrend(trend: Trend | null, style: Style, short = false): string {
  return trendPaint(trend, style)(trendText(trend, style.glyphs, short));
}

/**
 * `ok`, or the symbol, the status and how old the last good sample is:
 * `~ stale 3s`, `x refused 10m`, the age written as the page writes it (formatDuration).
 */
export function statusText(row: Pick<Row, 'status' | 'age'>, glyphs: Glyphs): string {
  if (row.status === 'ok') return 'ok';
  const age = row.age === null ? '' : ` ${formatDuration(row.age)}`;
  return `${row.status === 'stale' ? glyphs.stale : glyphs.failed} ${row.status}${age}`;
}

export function statusPaint(status: RowStatus, style: Style): (text: string) => string {
  if (status === 'ok') return style.paint.green;
  if (status === 'stale') return style.paint.yellow;
  return style.paint.red.bold;
}

const GROUP_COLOURS = ['cyan', 'magenta', 'blue', 'yellow', 'green', 'cyanBright', 'magentaBright', 'blueBright'] as const;

/** The same group always gets the same colour, whatever order groups appear in. */
export function groupColour(group: string, style: Style): (text: string) => string {
  let hash = 0;
  for (const char of group) hash = (hash * 31 + char.charCodeAt(0)) >>> 0;
  return style.paint[GROUP_COLOURS[hash % GROUP_COLOURS.length]!];
}
