/**
 * Lay the fleet out to fit the terminal, never past its edges:
 * - a detailed table (one line per log) when every line fits;
 * - otherwise a grid of compact cells (name, rate, trend, sparkline), with as
 *   few columns as still fit every host, so cells stay as wide as possible;
 * - otherwise the densest grid, in pages.
 * Only what is visible is formatted, so a 5,000-host fleet costs one screen.
 */
import { isOdd, type Row } from '../core/snapshot.js';
import { peerCell } from './peer-cells.js';
import type { Section } from './select-rows.js';
import { sparkline } from './sparkline.js';
import { formatRate, formatShare, formatTrend, groupColour, type Style } from './style.js';
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
  const label = `${style.glyphs.rule}${style.glyphs.rule} ${section.group} ${style.glyphs.rule} ${formatRate(section.subtotal, style.glyphs)}/s${carried} · ${hosts} `;
  const line = fit(label + style.glyphs.rule.repeat(Math.max(0, width - displayWidth(label))), width);
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
  const name = fit(row.host, Math.min(nameWidth, width), 'left', 'middle');
  const rest = width - displayWidth(name) - 1;
  if (rest <= 0) return name;
  if (row.status !== 'ok') {
    const stale = row.status === 'stale';
    const word = `${stale ? glyphs.stale : glyphs.failed} ${row.status}`;
    // The age only where it fits whole: a cut number would mislead.
    const age = row.age !== null && row.age >= 1 ? ` ${Math.round(row.age)}s` : '';
    const shown = fit(displayWidth(word + age) <= rest ? word + age : word, rest);
    return `${paint.bold(name)} ${stale ? paint.yellow(shown) : paint.red.bold(shown)}`;
  }
  // The space after the name carries the odd mark: no cell gets wider for it.
  const gap = isOdd(row) ? paint.magenta.bold(glyphs.odd) : ' ';
  const rate = fit(formatRate(row.rate, glyphs), Math.min(5, rest), 'right');
  const afterRate = rest - displayWidth(rate);
  if (afterRate < 2) return `${name}${gap}${rate}`;
  const trend = formatTrend(row.trend, style, true);
  const sparkWidth = Math.min(12, afterRate - 3);
  const spark = sparkWidth >= 3 ? ` ${paint.cyan(sparkline(row.history, sparkWidth, glyphs, { ...(capacity !== undefined ? { capacity } : {}) }))}` : '';
  const used = displayWidth(rate) + 2 + (spark ? sparkWidth + 1 : 0);
  return `${name}${gap}${rate} ${trend}${spark}${' '.repeat(Math.max(0, rest - used))}`;
}

/** One line per log, with a header line; columns shrink or drop to fit the width. */
function detailedTable(sections: readonly Section[], width: number, style: Style, capacity?: number): string[] {
  const { paint, glyphs } = style;
  const rows = sections.flatMap((s) => s.rows);
  const grouped = sections.some((s) => s.group !== null);
  const hostW = Math.min(24, Math.max(4, ...rows.map((row) => row.host.length)));
  const groupW = grouped ? 0 : Math.min(12, Math.max(5, ...rows.map((row) => row.group.length)));
  const rateW = 8;
  const trendW = 6;
  const statusW = 18;
  const sparkW = width >= 110 ? 20 : width >= 85 ? 12 : 0;
  // The ratio to the peers' median, where any group compares its logs.
  const peerW = rows.some((row) => row.peer !== undefined) ? 12 : 0;
  // The share of each named pattern (errors %, …), as far as the width allows.
  const names = [...new Set(rows.flatMap((row) => (row.patterns ?? []).map((p) => p.name)))];
  const shareW = (name: string) => Math.max(6, name.length + 2);
  const fixedBase = hostW + (groupW ? groupW + 2 : 0) + rateW + 2 + (peerW ? peerW + 2 : 0) + trendW + 2 + (sparkW ? sparkW + 2 : 0) + statusW + 2;
  const shown = names.filter((_, i) => fixedBase + names.slice(0, i + 1).reduce((sum, name) => sum + shareW(name) + 2, 0) + 10 <= width);
  const fixed = fixedBase + shown.reduce((sum, name) => sum + shareW(name) + 2, 0);
  const logW = Math.min(48, Math.max(0, width - fixed - 2));
  const cells = (host: string, group: string, log: string, rate: string, peer: string, shares: string[], trend: string, spark: string, status: string) =>
    [host, groupW ? group : null, logW >= 8 ? log : null, rate, peerW ? peer : null, ...shares, trend, sparkW ? spark : null, status].filter((cell) => cell !== null).join('  ');

  const lines = [
    paint.dim(
      cells(
        fit('host', hostW),
        fit('group', groupW),
        fit('log', logW),
        fit('lines/s', rateW, 'right'),
        fit('peers', peerW),
        shown.map((name) => fit(`${name} %`, shareW(name), 'right')),
        fit('trend', trendW),
        fit('last minute', sparkW),
        fit('status', statusW),
      ),
    ),
  ];
  for (const section of sections) {
    if (section.group !== null) lines.push(sectionHeader(section, width, style));
    for (const row of section.rows) {
      const rate = fit(formatRate(row.rate, glyphs), rateW, 'right');
      const trendWord = row.trend === null ? glyphs.unknown : `${glyphs[row.trend]} ${row.trend}`;
      const trendCell = fit(trendWord, trendW);
      const status = fit(statusText(row, style), statusW);
      lines.push(
        cells(
          row.status === 'ok' ? fit(row.host, hostW) : paint.bold(fit(row.host, hostW)),
          groupColour(row.group, style)(fit(row.group, groupW)),
          paint.dim(fit(row.log, logW, 'left', 'start')),
          row.rate === null ? paint.dim(rate) : rate,
          peerCell(row.peer, peerW, style),
          shown.map((name) => {
            const count = row.patterns?.find((p) => p.name === name);
            if (!count) return paint.dim(fit(glyphs.unknown, shareW(name), 'right'));
            // An odd share is marked where it is shown, as an odd rate is in the peers column.
            const odd = count.peer?.odd ? glyphs.odd : '';
            const text = fit(`${odd}${formatShare(count.share, glyphs)}`, shareW(name), 'right');
            return odd ? paint.magenta.bold(text) : text;
          }),
          row.trend === 'up' ? paint.green(trendCell) : row.trend === 'down' ? paint.red(trendCell) : paint.dim(trendCell),
          paint.cyan(sparkline(row.history, sparkW, glyphs, { ...(capacity !== undefined ? { capacity } : {}) })),
          row.status === 'ok' ? paint.green(status) : row.status === 'stale' ? paint.yellow(status) : paint.red.bold(status),
        ),
      );
    }
  }
  return lines.map((line) => (displayWidth(line) > width ? fit(line, width) : line));
}

function statusText(row: Row, style: Style): string {
  if (row.status === 'ok') return 'ok';
  const age = row.age !== null && row.age >= 1 ? ` ${Math.round(row.age)}s` : '';
  return `${row.status === 'stale' ? style.glyphs.stale : style.glyphs.failed} ${row.status}${age}`;
}
