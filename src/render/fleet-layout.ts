/**
 * Lay the fleet out to fit the terminal, never past its edges:
 * - a detailed table (one line per log) when every line fits;
 * - otherwise a grid of compact cells (name, rate, trend, sparkline), with as
 *   few columns as still fit every host, so cells stay as wide as possible;
 * - otherwise the densest grid, in pages.
 * Only what is visible is formatted, so a 5,000-host fleet costs one screen.
 */
import { isOdd, type Row } from '../core/snapshot.js';
import { drawCell, fitColumns, fleetColumns, GAP } from './fleet-table.js';
import type { Section } from './select-rows.js';
import { sparkline } from './sparkline.js';
import { formatRate, formatTrend, groupColour, statusText, type Style } from './style.js';
import { displayWidth, fit } from './text.js';

export interface Size {
  width: number;
  height: number;
}

export interface BodyLayout {
  mode: 'table' | 'grid';
  lines: string[];
  /** the page shown (clamped) and how many there are */
  page: number;
  pages: number;
}

/** Host names longer than this are shortened in the middle in grid cells. */
const MAX_NAME = 20;
/** A cell holds the name, a space, a 5-wide rate, a space, the trend, and a space before the next cell. */
const CELL_EXTRA = 9;
const TABLE_MIN_WIDTH = 60;

/** @param capacity how many rates a row's history holds when full (Snapshot.historyLength), so sparklines keep their scale as it fills */
export function layoutBody(sections: readonly Section[], size: Size, style: Style, page: number, capacity?: number): BodyLayout {
  const width = Math.max(1, size.width);
  const height = Math.max(1, size.height);
  const headerLines = sections.filter((s) => s.group !== null).length;
  const rowCount = sections.reduce((sum, s) => sum + s.rows.length, 0);

  if (width >= TABLE_MIN_WIDTH && 1 + headerLines + rowCount <= height) {
    return { mode: 'table', lines: detailedTable(sections, width, style, capacity), page: 0, pages: 1 };
  }
  // Cells never shrink below the full (or capped) name: a cut host name is useless.
  const nameWidth = Math.min(MAX_NAME, Math.max(4, ...sections.flatMap((s) => s.rows.map((row) => row.host.length))));
  const maxColumns = Math.max(1, Math.floor(width / (nameWidth + CELL_EXTRA)));
  for (let columns = 1; columns <= maxColumns; columns++) {
    if (gridHeight(sections, columns) <= height) {
      return { mode: 'grid', lines: grid(sections, columns, width, nameWidth, style, 0, height, capacity), page: 0, pages: 1 };
    }
  }
  // Even the densest grid overflows: page through it.
  const total = gridHeight(sections, maxColumns);
  const pages = Math.max(1, Math.ceil(total / height));
  const shown = Math.min(Math.max(0, page), pages - 1);
  return { mode: 'grid', lines: grid(sections, maxColumns, width, nameWidth, style, shown * height, height, capacity), page: shown, pages };
}

function gridHeight(sections: readonly Section[], columns: number): number {
  return sections.reduce((sum, s) => sum + (s.group !== null ? 1 : 0) + Math.ceil(s.rows.length / columns), 0);
}

export function sectionHeader(section: Section, width: number, style: Style): string {
  const hosts = `${section.rows.length} ${section.rows.length === 1 ? 'log' : 'logs'}`;
  const carried = section.carried > 0 ? ` (${section.carried} carried)` : '';
  const { rule, separator, ellipsis } = style.glyphs;
  const label = `${rule}${rule} ${section.group} ${rule} ${formatRate(section.subtotal, style.glyphs)}/s${carried} ${separator} ${hosts} `;
  const line = fit(label + rule.repeat(Math.max(0, width - displayWidth(label))), width, 'left', 'end', ellipsis);
  return groupColour(section.group ?? '', style)(line);
}

/**
 * The grid, column-major within each section (reads down, then across, like
 * `ls`), from line `skip` for `height` lines.
 */
function grid(sections: readonly Section[], columns: number, width: number, nameWidth: number, style: Style, skip: number, height: number, capacity?: number): string[] {
  const cellWidth = Math.floor(width / columns);
  const lines: string[] = [];
  let line = 0;
  const wanted = () => line >= skip && lines.length < height;
  for (const section of sections) {
    if (section.group !== null) {
      if (wanted()) lines.push(sectionHeader(section, width, style));
      line++;
    }
    const depth = Math.ceil(section.rows.length / columns);
    for (let r = 0; r < depth; r++, line++) {
      if (!wanted()) continue;
      let text = '';
      for (let c = 0; c < columns; c++) {
        const row = section.rows[c * depth + r];
        if (row) text += compactCell(row, cellWidth - 1, nameWidth, style, capacity) + (c < columns - 1 ? ' ' : '');
      }
      lines.push(text);
    }
    if (lines.length >= height) break;
  }
  return lines;
}

/** `name  rate T sparkline`, or `name ✗ status` for a host with no fresh number. */
export function compactCell(row: Row, width: number, nameWidth: number, style: Style, capacity?: number): string {
  const { paint, glyphs } = style;
  const name = fit(row.host, Math.min(nameWidth, width), 'left', 'middle', glyphs.ellipsis);
  const rest = width - displayWidth(name) - 1;
  if (rest <= 0) return name;
  if (row.status !== 'ok') {
    const stale = row.status === 'stale';
    const withAge = statusText(row, glyphs);
    // The age only where it fits whole: a cut number would mislead.
    const shown = fit(displayWidth(withAge) <= rest ? withAge : statusText({ status: row.status, age: null }, glyphs), rest, 'left', 'end', glyphs.ellipsis);
    return `${paint.bold(name)} ${stale ? paint.yellow(shown) : paint.red.bold(shown)}`;
  }
  // The space after the name carries the odd mark: no cell gets wider for it.
  const gap = isOdd(row) ? paint.magenta.bold(glyphs.odd) : ' ';
  const rate = fit(formatRate(row.rate, glyphs), Math.min(5, rest), 'right', 'end', glyphs.ellipsis);
  const afterRate = rest - displayWidth(rate);
  if (afterRate < 2) return `${name}${gap}${rate}`;
  const trend = formatTrend(row.trend, style, true);
  const sparkWidth = Math.min(12, afterRate - 3);
  const spark = sparkWidth >= 3 ? ` ${paint.cyan(sparkline(row.history, sparkWidth, glyphs, { ...(capacity !== undefined ? { capacity } : {}) }))}` : '';
  const used = displayWidth(rate) + 2 + (spark ? sparkWidth + 1 : 0);
  return `${name}${gap}${rate} ${trend}${spark}${' '.repeat(Math.max(0, rest - used))}`;
}

/** The fleet table (fleet-table.ts) fitted to the width: a line of titles, then a line per log under its section's header. */
function detailedTable(sections: readonly Section[], width: number, style: Style, capacity?: number): string[] {
  const rows = sections.flatMap((s) => s.rows);
  // Section headers name the group: a group column only when the view is not split into them.
  const grouped = sections.some((s) => s.group !== null);
  const columns = fitColumns(fleetColumns(rows, style, { group: !grouped, ...(capacity !== undefined ? { capacity } : {}) }), rows, width);
  const line = (cells: string[]) => cells.join(' '.repeat(GAP));
  const lines = [style.paint.dim(line(columns.map(({ column, width: w }) => fit(column.title, w, column.align, 'end', style.glyphs.ellipsis))))];
  for (const section of sections) {
    if (section.group !== null) lines.push(sectionHeader(section, width, style));
    for (const row of section.rows) lines.push(line(columns.map(({ column, width: w }) => drawCell(column, column.cell(row, w), w, style))));
  }
  return lines.map((text) => (displayWidth(text) > width ? fit(text, width, 'left', 'end', style.glyphs.ellipsis) : text));
}
