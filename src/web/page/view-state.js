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
 * Rows filtered and sorted into sections (one per group, in the order groups
 * first appear, or one section for all). Each section carries its subtotal:
 * rate, counts, and per pattern the share of the section's lines.
 */
export function sectionsOf(store, view) {
  const needle = view.filter.trim().toLowerCase();
  const byName = (a, b) => a.rank - b.rank;
  const changes = view.sort === 'change' ? new Map() : null;
  const compare = {
    name: byName,
    rate: (a, b) => (b.rate ?? -1) - (a.rate ?? -1) || byName(a, b),
    change: (a, b) => (changes.get(b) ?? -Infinity) - (changes.get(a) ?? -Infinity) || byName(a, b),
    state: (a, b) => STATE_ORDER[stateOf(a)] - STATE_ORDER[stateOf(b)] || byName(a, b),
    // pvlook's odd verdicts first (row.odd comes from the stream).
    odd: (a, b) => Number(b.odd) - Number(a.odd) || byName(a, b),
  }[view.sort];
  const sections = new Map();
  for (const row of store.rows.values()) {
    if (view.problems && row.status === 'ok') continue;
    if (view.odd && !row.odd) continue;
    if (needle && !`${row.host} ${row.group} ${row.log}`.toLowerCase().includes(needle)) continue;
    if (changes) changes.set(row, store.change(row));
    const name = view.grouped ? row.group : 'all';
    let section = sections.get(name);
    if (!section) sections.set(name, (section = { name, rows: [], rate: 0, ok: 0, stale: 0, failed: 0, patternLines: new Map(), lines: 0 }));
    section.rows.push(row);
    if (row.rate !== null) section.rate += row.rate;
    section[stateOf(row)]++;
    if (row.patterns && row.lines !== null) {
      section.lines += row.lines;
      for (const [pattern, counted] of Object.entries(row.patterns)) {
        if (typeof counted?.lines === 'number') section.patternLines.set(pattern, (section.patternLines.get(pattern) ?? 0) + counted.lines);
      }
    }
  }
  const result = [...sections.values()];
  for (const section of result) {
    section.rows.sort(compare);
    if (view.reverse) section.rows.reverse();
    section.shares = [...section.patternLines].map(([name, lines]) => ({ name, share: section.lines > 0 ? lines / section.lines : null }));
  }
  return result;
}
