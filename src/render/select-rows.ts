/**
 * Which rows the live view shows and in what order: filtered by host or group
 * name, sorted, and split into one section per group (or one section).
 */
import { isOdd, totalOf, type Row } from '../core/snapshot.js';
import type { ViewState } from './view-state.js';

export interface Section {
  /** the group, or null when grouping is off */
  group: string | null;
  rows: Row[];
  /** the section's honest total: known rates, and last rates carried for logs unknown for a moment; null when none is known */
  subtotal: number | null;
  /** how many logs the subtotal carries */
  carried: number;
}

const byName = new Intl.Collator('en', { numeric: true, sensitivity: 'base' });

export function selectRows(rows: readonly Row[], view: Pick<ViewState, 'filter' | 'sort' | 'reverse' | 'grouped'> & Partial<Pick<ViewState, 'oddFirst' | 'oddOnly'>>): Section[] {
  const needle = view.filter.toLowerCase();
  const matching = needle === '' ? [...rows] : rows.filter((row) => row.host.toLowerCase().includes(needle) || row.group.toLowerCase().includes(needle));
  let shown = view.oddOnly === true ? matching.filter(isOdd) : matching;
  shown.sort(comparator(view.sort));
  if (view.reverse) shown.reverse();
  // Odd first whichever way the rest is sorted: what the key is for.
  if (view.oddFirst === true) shown = [...shown.filter(isOdd), ...shown.filter((row) => !isOdd(row))];
  if (!view.grouped) return [section(null, shown)];
  const groups = new Map<string, Row[]>();
  // Groups keep the order they first appear in (the config's order).
  for (const row of rows) if (!groups.has(row.group)) groups.set(row.group, []);
  for (const row of shown) groups.get(row.group)!.push(row);
  return [...groups].filter(([, members]) => members.length > 0).map(([group, members]) => section(group, members));
}

function section(group: string | null, rows: Row[]): Section {
  const { rate, carried } = totalOf(rows);
  return { group, rows, subtotal: rate, carried };
}

/** Unknown numbers sort last whichever way; ties fall back to the host name. */
function comparator(sort: ViewState['sort']): (a: Row, b: Row) => number {
  const name = (a: Row, b: Row) => byName.compare(a.host, b.host) || byName.compare(a.group, b.group);
  if (sort === 'name') return name;
  const value = sort === 'rate' ? (row: Row) => row.rate : (row: Row) => (row.change === null ? null : Math.abs(row.change));
  return (a, b) => {
    const x = value(a);
    const y = value(b);
    if (x === null || y === null) return x === y ? name(a, b) : x === null ? 1 : -1;
    return y - x || name(a, b);
  };
}
