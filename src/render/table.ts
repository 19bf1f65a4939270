/**
 * The snapshot as a cli-table3 table, with a fleet total row and the reason
 * for each failure listed underneath (long SSH advice would wreck the columns).
 */
import Table from 'cli-table3';
import { safeRow } from '../core/safe-text.js';
import { patternTotalsOf, type Snapshot } from '../core/snapshot.js';
import { formatRate, formatShare, formatStatus, formatTrend, type Style } from './style.js';
import { peerText } from './peer-cells.js';

export function renderTable(snapshot: Snapshot, style: Style): string {
  // Host text (file names, error messages) is shown, never obeyed.
  const rows = snapshot.rows.map(safeRow);
  // One rate and one share column per named pattern that any log has.
  const patterns = [...new Set(rows.flatMap((row) => (row.patterns ?? []).map((p) => p.name)))];
  const patternHeads = patterns.flatMap((name) => [`${name}/s`, `${name} %`]);
  // The ratio to the peers' median, where any group compares its logs.
  const peerHeads = rows.some((row) => row.peer !== undefined) ? ['peers'] : [];
  const table = new Table({
    head: ['host', 'group', 'log', 'lines/s', ...peerHeads, ...patternHeads, 'trend', 'status'].map((title) => style.paint.bold(title)),
    colAligns: ['left', 'left', 'left', 'right', ...peerHeads.map(() => 'left' as const), ...patternHeads.map(() => 'right' as const), 'left', 'left'],
    // cli-table3 colours headers and borders by itself unless told not to.
    style: { head: [], border: [] },
    // No rule between rows: a fleet reads better dense.
    chars: { mid: '', 'left-mid': '', 'mid-mid': '', 'right-mid': '' },
  });
  for (const row of rows) {
    const rate = row.rate === null ? style.paint.dim(formatRate(null)) : formatRate(row.rate);
    const counts = patterns.flatMap((name) => {
      const count = row.patterns?.find((p) => p.name === name);
      if (!count) return [style.paint.dim(style.glyphs.unknown), style.paint.dim(style.glyphs.unknown)];
      const share = formatShare(count.share, style.glyphs);
      return [formatRate(count.rate, style.glyphs), count.peer?.odd ? style.paint.magenta.bold(`${style.glyphs.odd} ${share} odd ${count.peer.odd}`) : share];
    });
    const peer = peerHeads.length === 0 ? [] : [row.peer?.odd ? style.paint.magenta.bold(peerText(row.peer, style)) : peerText(row.peer, style)];
    table.push([row.host, row.group, row.log, rate, ...peer, ...counts, formatTrend(row.trend, style), formatStatus(row.status, style)]);
  }
  const { total } = snapshot;
  const counts = [
    `${total.ok} ok`,
    total.stale > 0 ? `${total.stale} stale` : '',
    total.failed > 0 ? style.paint.red(`${total.failed} failed`) : '',
    total.carried > 0 ? style.paint.dim(`${total.carried} carried`) : '',
    total.odd > 0 ? style.paint.magenta.bold(`${style.glyphs.odd} ${total.odd} odd`) : '',
  ]
    .filter(Boolean)
    .join(', ');
  const patternTotals = patternTotalsOf(rows);
  const patternCells = patterns.flatMap((name) => {
    const sum = patternTotals.get(name) ?? null;
    return [formatRate(sum?.rate ?? null, style.glyphs), formatShare(sum?.share, style.glyphs)];
  });
  table.push([style.paint.bold('total'), '', counts, style.paint.bold(formatRate(total.rate, style.glyphs)), ...peerHeads.map(() => ''), ...patternCells.map((cell) => style.paint.bold(cell)), '', '']);

  const notes = rows
    .filter((row) => row.error !== null && row.status !== 'ok')
    .map((row) => `${row.status === 'stale' ? style.paint.yellow('…') : style.paint.red('✗')} ${row.host}${row.group !== 'default' ? ` (${row.group})` : ''}: ${row.error}`);
  return [table.toString(), ...uniq(notes)].join('\n');
}

function uniq(lines: string[]): string[] {
  return [...new Set(lines)];
}
