/**
 * The snapshot, for the snapshot and the non-terminal watch: the fleet table
 * (fleet-table.ts) with cli-table3 borders, a total row, and the reason for
 * each failure listed underneath (long SSH advice would wreck the columns).
 */
import Table from 'cli-table3';
import type { Snapshot } from '../core/snapshot.js';
import { fleetColumns } from './fleet-table.js';
import { shownRow } from './shown-text.js';
import type { Style } from './style.js';

// No rule between rows: a fleet reads better dense.
const UNICODE_BORDERS = { mid: '', 'left-mid': '', 'mid-mid': '', 'right-mid': '' };
const ASCII_BORDERS = {
  ...UNICODE_BORDERS,
  top: '-',
  'top-mid': '+',
  'top-left': '+',
  'top-right': '+',
  bottom: '-',
  'bottom-mid': '+',
  'bottom-left': '+',
  'bottom-right': '+',
  left: '|',
  right: '|',
  middle: '|',
};

export function renderTable(snapshot: Snapshot, style: Style): string {
  // Host text (file names, error messages) is shown, never obeyed.
  const rows = snapshot.rows.map((row) => shownRow(row, style));
  const columns = fleetColumns(rows, style, { group: true, total: snapshot.total, ...(snapshot.historyLength !== undefined ? { capacity: snapshot.historyLength } : {}) });
  const table = new Table({
    head: columns.map((column) => style.paint.bold(column.title)),
    colAligns: columns.map((column) => column.align),
    // cli-table3 colours headers and borders by itself unless told not to.
    style: { head: [], border: [] },
    chars: style.ascii ? ASCII_BORDERS : UNICODE_BORDERS,
  });
  for (const row of rows) {
    table.push(
      columns.map((column) => {
        // Unfitted, each column at its least width: only the sparkline draws to it.
        const cell = column.cell(row, column.min);
        return cell.paint(cell.text);
      }),
    );
  }
  table.push(columns.map((column) => column.total.paint(column.total.text)));

  const { paint, glyphs } = style;
  const notes = rows
    .filter((row) => row.error !== null && row.status !== 'ok')
    .map((row) => `${row.status === 'stale' ? paint.yellow(glyphs.stale) : paint.red(glyphs.failed)} ${row.host}${row.group !== 'default' ? ` (${row.group})` : ''}: ${row.error}`);
  return [table.toString(), ...new Set(notes)].join('\n');
}
