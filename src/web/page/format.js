// What the page writes, as plain strings: pvlook's own number rules (core's
// display-format.js, the terminal's module, served as it is) put together
// into cells, arrows and notes. No DOM, so the tests run it in Node. Every
// string here is inserted as text, never HTML.
// A sibling path, so the page works under a reverse proxy's prefix (/pvlook/):
// on disk it re-exports core's module, and the server answers it with core's file.
import { formatDuration, formatRate, formatRatio, formatShare, sparkLevels } from './display-format.js';

export { formatDuration, formatRate, formatRatio, formatShare, sparkLevels };

const BLOCKS = '▁▂▃▄▅▆▇█';

export function trendArrow(trend) {
  return trend === 'up' ? '▲' : trend === 'down' ? '▼' : trend === 'flat' ? '·' : ' ';
}

export function trendWord(trend) {
  return trend === 'up' ? 'rising' : trend === 'down' ? 'falling' : trend === 'flat' ? 'steady' : 'no trend yet';
}

/** Sparkline levels (sparkLevels: 0..7, null a gap) as block characters, a gap blank, as in the terminal. */
export function sparkText(levels) {
  let text = '';
  for (const level of levels) text += level === null ? ' ' : BLOCKS[level];
  return text;
}

export function formatClock(ms) {
  if (!Number.isFinite(ms)) return '';
  const date = new Date(ms);
  return [date.getHours(), date.getMinutes(), date.getSeconds()].map((n) => String(n).padStart(2, '0')).join(':');
}

const collator = new Intl.Collator('en', { numeric: true, sensitivity: 'base' });

/** Host names in the order people expect: web2 before web10. */
export function compareNames(a, b) {
  return collator.compare(a, b);
}

/**
 * What one host cell shows, as plain strings (and the sparkline's levels):
 * the state decides the layout. Every number is pvlook's: the rate, its
 * trend, the recent rates, the first pattern's share, the age.
 */
export function cellParts(row, width = 8) {
  const levels = sparkLevels(row.recent, width, { capacity: width });
  const spark = ' '.repeat(width - levels.length) + sparkText(levels);
  if (row.status === 'ok') {
    const share = firstShare(row.patterns);
    return { state: 'ok', value: formatRate(row.rate), arrow: trendArrow(row.trend), trend: row.trend, spark, levels, extra: share === null ? '' : formatShare(share) };
  }
  if (row.status === 'stale') {
    return { state: 'stale', value: '…', arrow: ' ', trend: null, spark, levels, extra: row.age === null ? 'stale' : formatDuration(row.age) };
  }
  const age = row.age === null ? '' : formatDuration(row.age);
  return { state: 'failed', value: '✗', arrow: ' ', trend: null, levels: [], spark: `${row.status}${age ? ` ${age}` : ''}`, status: row.status, age, extra: '' };
}

/**
 * The cell as one line of monospace text (its accessible name, and what a
 * stale or failed cell shows), the columns made with padding.
 */
export function cellText(name, nameWidth, parts) {
  const shown = cellName(name, nameWidth).padEnd(nameWidth);
  if (parts.state === 'failed') return `${shown} ${parts.value} ${parts.spark}`;
  return `${shown} ${parts.value.padStart(5)} ${parts.arrow} ${parts.spark.padEnd(8)} ${parts.extra.padStart(5)}`;
}

/**
 * What a failed cell's element shows as text: all of its line but the age,
 * which changes every tick and is painted instead (grid-view.js).
 */
export function failedText(name, nameWidth, parts) {
  return `${cellName(name, nameWidth).padEnd(nameWidth)} ${parts.value} ${parts.status}`;
}

/** A host name cut to the cell's name column (the full name is in the tooltip and the detail). */
export function cellName(name, nameWidth) {
  return name.length > nameWidth ? `${name.slice(0, nameWidth - 1)}…` : name;
}

/**
 * Why a log is odd among its peers, from pvlook's verdicts in the row (its
 * rate's and each pattern's), or '' when it is not: "odd: rate 0.20× peers'
 * median (low); 5xx 10.0% of lines, peers 0.0% (high)".
 */
export function oddNote(row) {
  const parts = [];
  if (row.peer?.odd) parts.push(`rate ${formatRatio(row.peer.ratio)} peers' median (${row.peer.side ?? 'odd'})`);
  for (const [name, counted] of Object.entries(row.patterns ?? {})) {
    const peer = counted?.peer;
    if (peer?.odd !== true) continue;
    const ratio = typeof peer.ratio === 'number' ? `${formatRatio(peer.ratio)} peers' median` : `peers ${formatShare(peer.median)}`;
    parts.push(`${name} ${formatShare(counted.share)} of lines, ${ratio} (${peer.side ?? 'odd'})`);
  }
  return parts.length === 0 ? '' : `odd: ${parts.join('; ')}`;
}

/** The first pattern's share (the config's first pattern is what a cell has room for). */
export function firstShare(patterns) {
  if (!patterns) return null;
  for (const name in patterns) {
    const share = patterns[name]?.share;
    return typeof share === 'number' ? share : null;
  }
  return null;
}

/** "31717/s (2 carried) · 180 logs · 5xx 1.2% · ✗ 2 failed · … 1 stale": pvlook's subtotal of a group, or of the fleet. */
export function totalSummary(total, logs) {
  const parts = [`${formatRate(total.rate)}/s${total.carried > 0 ? ` (${total.carried} carried)` : ''}`];
  if (logs) parts.push(logs);
  for (const [name, sum] of Object.entries(total.patterns ?? {})) parts.push(`${name} ${formatShare(sum?.share)}`);
  if (total.failed) parts.push(`✗ ${total.failed} failed`);
  if (total.stale) parts.push(`… ${total.stale} stale`);
  return parts.join(' · ');
}
