// Pure formatting for the page: numbers, arrows, sparklines, ages. No DOM, so
// the tests run it in Node. Every string here is inserted as text, never HTML.

const BLOCKS = '▁▂▃▄▅▆▇█';

/** Lines per second in at most five characters: 0.00, 16.1, 524, 12.3k. */
export function formatRate(rate) {
  if (rate === null || rate === undefined || !Number.isFinite(rate)) return '—';
  if (rate >= 100_000) return `${Math.round(rate / 1000)}k`;
  if (rate >= 10_000) return `${(rate / 1000).toFixed(1)}k`;
  // The band is chosen after rounding, as in the terminal: 99.96 is 100, never 100.0.
  if (rate >= 99.95) return String(Math.round(rate));
  if (rate >= 9.995) return rate.toFixed(1);
  return rate.toFixed(2);
}

/** The fleet total, with thousands separators: 54,065/s. */
export function formatTotal(rate) {
  if (!Number.isFinite(rate)) return '—';
  return rate >= 100 ? Math.round(rate).toLocaleString('en-US') : formatRate(rate);
}

export function trendArrow(trend) {
  return trend === 'up' ? '▲' : trend === 'down' ? '▼' : trend === 'flat' ? '·' : ' ';
}

export function trendWord(trend) {
  return trend === 'up' ? 'rising' : trend === 'down' ? 'falling' : trend === 'flat' ? 'steady' : 'no trend yet';
}

/**
 * Block characters for the values; a gap (null or NaN: a failed sample) stays
 * blank, as in the terminal view. The scale starts below the smallest value by
 * as much again as the values spread (never below 0), so a wobble of a few
 * percent shows without making noise look like an outage; all zeros are ▁.
 */
export function sparkline(values) {
  let max = -Infinity;
  let min = Infinity;
  for (const value of values) {
    if (value === null || !Number.isFinite(value)) continue;
    if (value > max) max = value;
    if (value < min) min = value;
  }
  const low = Math.max(0, min - (max - min));
  const span = max - low;
  let text = '';
  for (const value of values) {
    if (value === null || !Number.isFinite(value)) text += ' ';
    else if (span <= 0) text += value > 0 ? BLOCKS[4] : BLOCKS[0];
    else text += BLOCKS[Math.min(7, Math.max(0, Math.round(((value - low) / span) * 7)))];
  }
  return text;
}

/** A share of lines (0..1) as a percentage with sensible precision. */
export function formatShare(share) {
  if (share === null || share === undefined || !Number.isFinite(share)) return '—';
  const percent = share * 100;
  return `${percent < 10 ? percent.toFixed(1) : Math.round(percent)}%`;
}

/** Seconds as 45s, 12m, 3h, 2d. */
export function formatAge(seconds) {
  if (seconds === null || !Number.isFinite(seconds)) return '';
  if (seconds < 90) return `${Math.max(0, Math.round(seconds))}s`;
  if (seconds < 90 * 60) return `${Math.round(seconds / 60)}m`;
  if (seconds < 36 * 3600) return `${Math.round(seconds / 3600)}h`;
  return `${Math.round(seconds / 86400)}d`;
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
 * What one host cell shows, as plain strings: the state decides the layout.
 * `spark` holds the recent rates (oldest first), `age` the seconds since the
 * host last answered (null when unknown).
 */
export function cellParts(row, spark, age) {
  if (row.status === 'ok') {
    const share = firstShare(row.patterns);
    return { state: 'ok', value: formatRate(row.rate), arrow: trendArrow(row.trend), spark: sparkline(spark), extra: share === null ? '' : formatShare(share) };
  }
  if (row.status === 'stale') {
    return { state: 'stale', value: '…', arrow: ' ', spark: sparkline(spark), extra: age === null ? 'stale' : formatAge(age) };
  }
  return { state: 'failed', value: '✗', arrow: ' ', spark: `${row.status}${age === null ? '' : ` ${formatAge(age)}`}`, extra: '' };
}

/**
 * The cell as one line of monospace text. One text node per cell is the
 * cheapest thing for a browser to lay out again on every tick (measured: half
 * the cost of separate spans), so the columns are made with padding.
 */
export function cellText(name, nameWidth, parts) {
  const shown = cellName(name, nameWidth).padEnd(nameWidth);
  if (parts.state === 'failed') return `${shown} ${parts.value} ${parts.spark}`;
  return `${shown} ${parts.value.padStart(5)} ${parts.arrow} ${parts.spark.padEnd(8)} ${parts.extra.padStart(5)}`;
}

/** A host name cut to the cell's name column (the full name is in the tooltip and the detail). */
export function cellName(name, nameWidth) {
  return name.length > nameWidth ? `${name.slice(0, nameWidth - 1)}…` : name;
}

/** A ratio to the peers' median: 0.20×, 12×; a dash for none. */
export function formatRatio(ratio) {
  if (ratio === null || ratio === undefined || !Number.isFinite(ratio)) return '—';
  return ratio >= 100 ? `${Math.round(ratio)}×` : ratio >= 10 ? `${ratio.toFixed(1)}×` : `${ratio.toFixed(2)}×`;
}

/**
 * Why a log is odd among its peers, from pvlook's verdicts in the row (its
 * rate's and each pattern's), or '' when it is not: "odd: rate 0.20× peers'
 * median (low); 5xx 10% of lines, peers 0.0% (high)".
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
