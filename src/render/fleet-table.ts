/**
 * The fleet as a table, defined once: which columns there are, what each cell
 * says and how it is coloured. The snapshot and the non-terminal watch draw
 * it with borders (table.ts); the live view draws it fitted to the screen
 * between its section headers (fleet-layout.ts). Both take their columns from
 * here, so a column, a rate or a status reads the same wherever it is shown.
 */
import { patternTotalsOf, type Row, type Total } from '../core/snapshot.js';
import { peerPaint, peerText } from './peer-cells.js';
import { sparkline } from './sparkline.js';
import { formatRate, formatShare, groupColour, statusPaint, statusText, trendPaint, trendText, type Style } from './style.js';
import { displayWidth, fit } from './text.js';

/** A cell's text, and its colour applied after the text is fitted (fitting measures plain text). */
export interface Cell {
  text: string;
  paint: (text: string) => string;
}

export interface Column {
  title: string;
  align: 'left' | 'right';
  /** which part a cut keeps: a path its end, a host name both ends */
  cut: 'end' | 'start' | 'middle';
  /** the narrowest a fitted table draws it */
  min: number;
  /** the widest a fitted table draws it; longer cells are cut */
  max: number;
  /** a fitted table short of width drops the lowest first; Infinity: never dropped */
  keep: number;
  /** drawn to whatever width it is given (the sparkline), so as wide as it may be rather than as its cells */
  stretch?: true;
  /** the cell drawn `width` wide (only the sparkline draws to its width; the rest are fitted after) */
  cell: (row: Row, width: number) => Cell;
  /** this column's cell in the total row, when there is one */
  total: Cell;
}

export interface ColumnOptions {
  /** false where section headers already name each row's group */
  group: boolean;
  /** how many rates a row's history holds when full, so sparklines keep their scale as it fills */
  capacity?: number;
  /** the fleet's total, for the total row */
  total?: Total;
}

const plain = (text: string) => text;
const blank: Cell = { text: '', paint: plain };
/** The bordered table draws sparklines SPARK_MIN wide; a fitted one as wide as it has room for, up to SPARK_MAX. */
const SPARK_MIN = 12;
const SPARK_MAX = 20;

/** The columns for these rows: peers where any group compares its logs, a rate and a share for each named pattern. */
export function fleetColumns(rows: readonly Row[], style: Style, options: ColumnOptions): Column[] {
  const { paint, glyphs } = style;
  const total = options.total;
  const patterns = [...new Set(rows.flatMap((row) => (row.patterns ?? []).map((p) => p.name)))];
  const patternTotals: ReturnType<typeof patternTotalsOf> = total === undefined ? new Map() : patternTotalsOf(rows);
  const unknown: Cell = { text: glyphs.unknown, paint: paint.dim };
  const bold = (text: string): Cell => ({ text, paint: paint.bold });
  const history = options.capacity === undefined ? {} : { capacity: options.capacity };

  const columns: Column[] = [
    {
      title: 'host',
      align: 'left',
      cut: 'middle',
      min: 4,
      max: 24,
      keep: Infinity,
      cell: (row) => ({ text: row.host, paint: row.status === 'ok' ? plain : paint.bold }),
      total: bold('total'),
    },
  ];
  if (options.group) {
    columns.push({ title: 'group', align: 'left', cut: 'end', min: 5, max: 12, keep: 6, cell: (row) => ({ text: row.group, paint: groupColour(row.group, style) }), total: blank });
  }
  columns.push(
    { title: 'log', align: 'left', cut: 'start', min: 16, max: 48, keep: 4, cell: (row) => ({ text: row.log, paint: paint.dim }), total: total === undefined ? blank : { text: countsText(total, style), paint: plain } },
    {
      title: 'lines/s',
      align: 'right',
      cut: 'end',
      min: 7,
      max: 8,
      keep: Infinity,
      cell: (row) => ({ text: formatRate(row.rate, glyphs), paint: row.rate === null ? paint.dim : plain }),
      total: bold(formatRate(total?.rate ?? null, glyphs)),
    },
  );
  if (rows.some((row) => row.peer !== undefined)) {
    // Wide enough for an odd verdict, so a log turning odd does not shift the columns after it.
    columns.push({ title: 'peers', align: 'left', cut: 'end', min: 13, max: 13, keep: 5, cell: (row) => ({ text: peerText(row.peer, glyphs), paint: peerPaint(row.peer, style) }), total: blank });
  }
  patterns.forEach((name, i) => {
    const sum = patternTotals.get(name) ?? null;
    // Later patterns give way first.
    columns.push({
      title: `${name}/s`,
      align: 'right',
      cut: 'end',
      // A cut number is a wrong number, and a cut title may read as another pattern's: the column goes whole or not at all.
      min: Math.max(6, displayWidth(`${name}/s`)),
      max: Math.max(8, displayWidth(`${name}/s`)),
      keep: 2 - i / (patterns.length + 1),
      cell: (row) => {
        const count = row.patterns?.find((p) => p.name === name);
        return count ? { text: formatRate(count.rate, glyphs), paint: plain } : unknown;
      },
      total: bold(formatRate(sum?.rate ?? null, glyphs)),
    });
  });
  patterns.forEach((name, i) => {
    const sum = patternTotals.get(name) ?? null;
    columns.push({
      title: `${name} %`,
      align: 'right',
      cut: 'end',
      // An odd share is marked where it is shown, as an odd rate is in the peers column.
      min: Math.max(13, displayWidth(`${name} %`)),
      max: Math.max(13, displayWidth(`${name} %`)),
      keep: 3 - i / (patterns.length + 1),
      cell: (row) => {
        const count = row.patterns?.find((p) => p.name === name);
        if (!count) return unknown;
        const share = formatShare(count.share, glyphs);
        return count.peer?.odd ? { text: `${glyphs.odd} ${share} ${count.peer.odd}`, paint: paint.magenta.bold } : { text: share, paint: plain };
      },
      total: bold(formatShare(sum?.share, glyphs)),
    });
  });
  columns.push({ title: 'trend', align: 'left', cut: 'end', min: 6, max: 6, keep: 7, cell: (row) => ({ text: trendText(row.trend, glyphs), paint: trendPaint(row.trend, style) }), total: blank });
  // A one-off snapshot has one rate per log: no line to draw yet.
  if (rows.some((row) => row.history.filter((rate) => rate !== null).length > 1)) {
    columns.push({
      title: 'last minute',
      align: 'left',
      cut: 'end',
      min: SPARK_MIN,
      max: SPARK_MAX,
      keep: 1,
      stretch: true,
      cell: (row, width) => ({ text: sparkline(row.history, width, glyphs, history), paint: paint.cyan }),
      total: blank,
    });
  }
  columns.push(
    { title: 'status', align: 'left', cut: 'end', min: 6, max: 24, keep: Infinity, cell: (row) => ({ text: statusText(row, glyphs), paint: statusPaint(row.status, style) }), total: blank },
  );
  return columns;
}

/** `3 ok, 1 stale, 1 failed, 2 carried, ! 1 odd`: what the total row says about the logs it adds up. */
function countsText(total: Total, style: Style): string {
  const { paint, glyphs } = style;
  return [
    `${total.ok} ok`,
    total.stale > 0 ? `${total.stale} stale` : '',
    total.failed > 0 ? paint.red(`${total.failed} failed`) : '',
    total.carried > 0 ? paint.dim(`${total.carried} carried`) : '',
    total.odd > 0 ? paint.magenta.bold(`${glyphs.odd} ${total.odd} odd`) : '',
  ]
    .filter(Boolean)
    .join(', ');
}

/** A cell fitted to its column and coloured. */
export function drawCell(column: Column, cell: Cell, width: number, style: Style): string {
  return cell.paint(fit(cell.text, width, column.align, column.cut, style.glyphs.ellipsis));
}

/** Cells are drawn this far apart in a fitted table. */
export const GAP = 2;

/**
 * The columns, and their widths, that fit `width`: each as wide as its
 * widest cell within its bounds. Short of room, the columns that may go are
 * narrowed to their least in the order they give way; if that is not enough
 * the first to give way is dropped and the rest start again from their
 * natural widths. Only when none is left to drop are the host and the status
 * narrowed (and, past that, the line is cut at the edge).
 */
export function fitColumns(columns: readonly Column[], rows: readonly Row[], width: number): { column: Column; width: number }[] {
  const natural = new Map(columns.map((column) => [column, naturalWidth(column, rows)]));
  let shown = [...columns];
  for (;;) {
    const widths = shown.map((column) => natural.get(column)!);
    const over = widths.reduce((sum, w) => sum + w, 0) + GAP * (shown.length - 1) - width;
    const byKeep = shown.map((column, i) => ({ column, i })).sort((a, b) => a.column.keep - b.column.keep);
    const droppable = byKeep.filter(({ column }) => column.keep !== Infinity);
    const narrowed = narrow(widths, droppable, over);
    if (narrowed <= 0 || droppable.length === 0) {
      narrow(widths, byKeep, narrowed);
      return shown.map((column, i) => ({ column, width: widths[i]! }));
    }
    shown = shown.filter((column) => column !== droppable[0]!.column);
  }
}

/** Take up to `over` columns of width from these, each down to its least, in order; what is still over. */
function narrow(widths: number[], order: readonly { column: Column; i: number }[], over: number): number {
  for (const { column, i } of order) {
    if (over <= 0) break;
    const give = Math.min(over, widths[i]! - column.min);
    widths[i]! -= give;
    over -= give;
  }
  return over;
}

function naturalWidth(column: Column, rows: readonly Row[]): number {
  if (column.stretch) return column.max;
  let widest = displayWidth(column.title);
  for (const row of rows) widest = Math.max(widest, displayWidth(column.cell(row, 0).text));
  return Math.min(column.max, Math.max(column.min, widest));
}
