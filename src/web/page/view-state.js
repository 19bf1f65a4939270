// How the fleet is shown: sort order, filter, grouping, problems only, and
// the sections that result. Kept in the URL's #fragment so a wall screen's
// bookmark opens the same view. No DOM.

export const SORTS = ['name', 'rate', 'change', 'state', 'odd'];
export const DEFAULT_VIEW = { sort: 'name', reverse: false, grouped: true, problems: false, odd: false, filter: '' };

export function viewFromHash(hash) {
  const params = new URLSearchParams(hash.replace(/^#/, ''));
  const sort = params.get('sort');
  return {
    sort: SORTS.includes(sort) ? sort : DEFAULT_VIEW.sort,
    reverse: params.get('reverse') === '1',
    grouped: params.get('groups') !== '0',
    problems: params.get('problems') === '1',
    odd: params.get('odd') === '1',
    filter: (params.get('filter') ?? '').slice(0, 200),
  };
}

export function hashOf(view) {
  const params = new URLSearchParams();
  if (view.sort !== DEFAULT_VIEW.sort) params.set('sort', view.sort);
  if (view.reverse) params.set('reverse', '1');
  if (!view.grouped) params.set('groups', '0');
  if (view.problems) params.set('problems', '1');
  if (view.odd) params.set('odd', '1');
  if (view.filter) params.set('filter', view.filter);
  const text = params.toString();
  return text ? `#${text}` : '';
}

const STATE_ORDER = { failed: 0, stale: 1, ok: 2 };
const stateOf = (row) => (row.status === 'ok' ? 'ok' : row.status === 'stale' ? 'stale' : 'failed');

/**
 * Rows filtered and sorted into sections (one per group, in pvlook's group
 * order, or one section for all). Each section carries pvlook's own
 * subtotal of its group (or the fleet's total), carried rates included, and
 * how many of its logs the filter shows: the page adds nothing up.
 */
export function sectionsOf(store, view) {
  const needle = view.filter.trim().toLowerCase();
  const byName = (a, b) => a.rank - b.rank;
  const compare = {
    name: byName,
    rate: (a, b) => (b.rate ?? -1) - (a.rate ?? -1) || byName(a, b),
    // pvlook's change against the recent mean, the biggest either way first
    // (a fall matters as much as a rise), unknown last, ties by name: the terminal's order (select-rows.ts).
    change: (a, b) => {
      if (a.change === null || b.change === null) return a.change === b.change ? byName(a, b) : a.change === null ? 1 : -1;
      return Math.abs(b.change) - Math.abs(a.change) || byName(a, b);
    },
    state: (a, b) => STATE_ORDER[stateOf(a)] - STATE_ORDER[stateOf(b)] || byName(a, b),
    // pvlook's odd verdicts first (row.odd comes from the stream).
    odd: (a, b) => Number(b.odd) - Number(a.odd) || byName(a, b),
  }[view.sort];
  const sections = new Map();
  if (view.grouped) for (const name of store.groups.keys()) sections.set(name, null);
  for (const row of store.rows.values()) {
    const name = view.grouped ? row.group : 'all';
    let section = sections.get(name);
    if (!section) sections.set(name, (section = { name, rows: [], logs: 0, total: view.grouped ? (store.groups.get(name) ?? null) : store.total }));
    section.logs++;
    if (view.problems && row.status === 'ok') continue;
    if (view.odd && !row.odd) continue;
    if (needle && !`${row.host} ${row.group} ${row.log}`.toLowerCase().includes(needle)) continue;
    section.rows.push(row);
  }
  const result = [...sections.values()].filter((section) => section !== null && section.rows.length > 0);
  for (const section of result) {
    section.rows.sort(compare);
    if (view.reverse) section.rows.reverse();
  }
  return result;
}
