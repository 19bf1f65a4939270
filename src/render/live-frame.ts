/**
 * One frame of the live view: a header with the fleet's total, its trend and
 * sparkline, and the counts of hosts ok / stale / failed; a line saying how
 * the view is sorted and filtered; then the fleet laid out to fit, or the
 * help. Pure: the same inputs always give the same text.
 */
import type { Snapshot } from '../core/snapshot.js';
import { trendOf, type TrendOptions } from '../core/trend.js';
import { layoutBody, type Size } from './fleet-layout.js';
import { selectRows } from './select-rows.js';
import { shownRow, shownText } from './shown-text.js';
import { sparkline } from './sparkline.js';
import { formatRate, formatTrend, type Style } from './style.js';
import { fit } from './text.js';
import type { ViewState } from './view-state.js';

export interface FrameInput {
  snapshot: Snapshot;
  /** the fleet's total rate over the last minute, oldest first */
  totals: readonly (number | null)[];
  view: ViewState;
  size: Size;
  style: Style;
  trend: TrendOptions;
  title?: string;
}

export interface Frame {
  text: string;
  /** the page actually shown, after clamping to the pages there are */
  page: number;
}

const HEADER_LINES = 2;

export function renderFrame(input: FrameInput): Frame {
  const { snapshot, view, size, style } = input;
  const width = Math.max(1, size.width);
  const bodyHeight = Math.max(1, size.height - HEADER_LINES);
  // Host text is made safe before filtering, so the filter matches what is shown.
  const sections = selectRows(snapshot.rows.map((row) => shownRow(row, style)), view);
  const body = view.help ? { lines: helpLines(style), page: 0, pages: 1 } : layoutBody(sections, { width, height: bodyHeight }, style, view.page, snapshot.historyLength);
  const lines = sections.length === 0 && !view.help ? [style.paint.dim(emptyMessage(view, style))] : body.lines;
  const header = [totalsLine(input, width), viewLine(input, body.page, body.pages, width)];
  const all = [...header, ...lines.slice(0, bodyHeight)].slice(0, Math.max(1, size.height));
  return { text: all.map((line) => fit(line, width, 'left', 'end', style.glyphs.ellipsis)).join('\n'), page: body.page };
}

function emptyMessage(view: ViewState, style: Style): string {
  const filter = shownText(view.filter, style);
  if (view.oddOnly && view.filter === '') return 'no log is odd among its peers (O shows every log)';
  if (view.oddOnly) return `no odd log matches "${filter}" (O shows every log, Esc clears the filter)`;
  return `no host or group matches "${filter}" (Esc clears the filter)`;
}

function totalsLine({ snapshot, totals, style, trend, title }: FrameInput, width: number): string {
  const { paint } = style;
  const { total } = snapshot;
  // No trend from or to an unknown total: it starts with the first real value.
  // The sampler's own trend of the total when it has one (what JSON and the web view show too).
  const fleetTrend = total.trend !== undefined ? total.trend : total.rate === null ? null : trendOf(totals.slice(0, -1), total.rate, trend);
  const clock = new Date(snapshot.time).toLocaleTimeString('en-GB', { hour12: false });
  const counts = [
    paint.green(`${total.ok} ok`),
    total.stale > 0 ? paint.yellow(`${style.glyphs.stale} ${total.stale} stale`) : paint.dim('0 stale'),
    total.failed > 0 ? paint.red.bold(`${style.glyphs.failed} ${total.failed} failed`) : paint.dim('0 failed'),
    // Only when there are some: most fleets, most of the time, have none.
    total.odd > 0 ? paint.magenta.bold(`${style.glyphs.odd} ${total.odd} odd`) : null,
  ]
    .filter(Boolean)
    .join('  ');
  const spark = width >= 100 ? ` ${paint.cyan(sparkline(totals, 20, style.glyphs, { ...(snapshot.historyLength !== undefined ? { capacity: snapshot.historyLength } : {}) }))}` : '';
  const name = paint.bold('pvlook') + (title ? ` ${paint.dim(shownText(title, style))}` : '');
  // A total that carries the last rates of logs unknown for a moment (rotation, reconnect) says so.
  const carried = total.carried > 0 ? ` ${paint.dim(`(${total.carried} carried)`)}` : '';
  return `${name}  ${clock}  ${paint.bold(`total ${formatRate(total.rate, style.glyphs)}/s`)}${carried} ${formatTrend(fleetTrend, style, true)}${spark}  ${counts}`;
}

function viewLine({ view, style, snapshot }: FrameInput, page: number, pages: number, width: number): string {
  const { paint } = style;
  const dot = ` ${style.glyphs.separator} `;
  // What is typed is shown as safely as host text: a pasted escape stays text.
  if (view.editing !== null) return `filter: ${shownText(view.editing, style)}${paint.inverse(' ')}  ${paint.dim(`Enter applies${dot}Esc cancels`)}`;
  const direction = view.reverse ? 'reversed' : view.sort === 'name' ? 'A-Z' : 'largest first';
  // The page comes first: on a narrow terminal it is what the person most needs to see.
  const parts = [
    pages > 1 ? `page ${page + 1}/${pages} (PgUp/PgDn)` : null,
    `sort ${view.sort} (${direction})`,
    view.grouped ? 'by group' : 'ungrouped',
    view.oddFirst ? 'odd first' : null,
    view.oddOnly ? 'odd only' : null,
    view.filter ? `filter "${shownText(view.filter, style)}"` : null,
    `every ${snapshot.intervalMs / 1000}s`,
  ].filter(Boolean);
  const state = view.paused ? paint.inverse(' PAUSED ') + ' ' : '';
  const keys = width >= 90 ? ['s sort', 'r reverse', '/ filter', 'g groups', 'p pause', '? help', 'q quit'] : ['? help', 'q quit'];
  return state + paint.dim(`${parts.join(dot)}   ${keys.join(dot)}`);
}

function helpLines(style: Style): string[] {
  const { paint, glyphs } = style;
  const keys: [string, string][] = [
    ['q, Ctrl-C', 'quit'],
    ['s', 'sort by name, rate, then change (cycles)'],
    ['r', 'reverse the order'],
    ['/', 'filter by host or group name (Enter applies, Esc cancels)'],
    ['Esc', 'clear the filter'],
    ['g', 'group into sections on / off'],
    ['o', 'logs odd among their peers first on / off'],
    ['O', 'only logs odd among their peers on / off'],
    ['p, space', 'pause / resume the display (sampling goes on)'],
    ['PgDn PgUp, arrows', 'next / previous page when the fleet needs more than one'],
    ['?', 'this help (any key closes it)'],
  ];
  return [
    paint.bold('Keys'),
    ...keys.map(([key, what]) => `  ${paint.bold(key.padEnd(18))} ${what}`),
    '',
    paint.bold('Reading the view'),
    `  rate in lines/s; ${glyphs.up} up, ${glyphs.down} down, ${glyphs.flat} flat against the mean of the last samples`,
    `  ${glyphs.failed} failed (with the reason), ${glyphs.stale} stale: no fresh answer yet; the age is seconds since the last good sample`,
    '  the sparkline is the last minute; a gap is a sample without a rate (failure, rotation), not a zero',
    '  totals carry a log\'s last rate for a few seconds while it is unknown, and say how many they carry',
    `  ${glyphs.odd} after a name: odd among its peers (the group's other logs of this path): its rate, or a`,
    `    pattern's share, stayed below 0.5${glyphs.times} or above 2${glyphs.times} their median for 3 samples in a row (defaults; see README)`,
  ];
}
