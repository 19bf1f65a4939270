// The fleet as sections of host cells. Cells are made once per log and kept;
// an update rewrites only the cells whose text changed, as one text node
// each, and moves cells only when the order changed.
import { cellParts, cellText, formatAge, formatRate, formatShare } from './format.js';
import { el, hueOf } from './dom.js';

const SPARK_WIDTH = 8;
/** Host names longer than this are cut (the full name is in the tooltip and the detail). */
export const MAX_NAME = 28;
const STATE_LABEL = { ok: 'ok', stale: 'stale', failed: 'failed' };

class Cell {
  constructor(row) {
    this.element = el('div', 'cell', ' ');
    this.text = this.element.firstChild;
    this.element.dataset.key = row.key;
    this.element.dataset.host = row.host;
    this.element.tabIndex = 0;
    this.element.setAttribute('role', 'button');
    // What was written last, so unchanged values are not written again (and no DOM is read).
    this.shown = { state: '', text: '', title: '', status: '' };
  }

  update(row, text, state, title) {
    const shown = this.shown;
    if (state !== shown.state) this.element.className = `cell ${(shown.state = state)}`;
    if (row.status !== shown.status) this.element.dataset.status = shown.status = row.status;
    if (text !== shown.text) this.text.data = shown.text = text;
    if (title !== shown.title) this.element.title = shown.title = title;
  }
}

class Section {
  constructor(name) {
    this.element = el('section', 'group');
    this.element.style.setProperty('--hue', String(hueOf(name)));
    this.heading = el('h2');
    this.summary = el('span', 'group-summary');
    this.heading.append(el('span', 'group-name', name), this.summary);
    this.grid = el('div', 'grid');
    this.element.append(this.heading, this.grid);
    this.keys = [];
    this.summaryText = '';
  }
}

export class GridView {
  constructor(container) {
    this.container = container;
    this.cells = new Map();
    this.sections = new Map();
    this.order = [];
  }

  /**
   * Show these sections (from sectionsOf). Returns true when the layout
   * changed (cells or sections added, removed or reordered).
   */
  render(store, sections) {
    let moved = false;
    const nameWidth = Math.max(4, Math.min(MAX_NAME, store.longestName));
    const names = sections.map((section) => section.name);
    if (names.join('\u0000') !== this.order.join('\u0000')) {
      for (const name of names) if (!this.sections.has(name)) this.sections.set(name, new Section(name));
      this.container.replaceChildren(...names.map((name) => this.sections.get(name).element));
      this.order = names;
      moved = true;
    }
    for (const wanted of sections) {
      const section = this.sections.get(wanted.name);
      const summary = summaryOf(wanted);
      if (summary !== section.summaryText) section.summary.textContent = section.summaryText = summary;
      const keys = wanted.rows.map((row) => row.key);
      if (!sameKeys(keys, section.keys)) {
        section.grid.replaceChildren(...wanted.rows.map((row) => this.cellFor(row).element));
        section.keys = keys;
        moved = true;
      }
      for (const row of wanted.rows) {
        const age = store.age(row);
        const parts = cellParts(row, store.recent(row.rates, SPARK_WIDTH), age);
        this.cells.get(row.key).update(row, cellText(row.host, nameWidth, parts), parts.state, titleOf(row, parts, age));
      }
    }
    // Forget cells of logs that left the fleet.
    if (this.cells.size > store.rows.size) for (const key of this.cells.keys()) if (!store.rows.has(key)) this.cells.delete(key);
    return moved;
  }

  cellFor(row) {
    let cell = this.cells.get(row.key);
    if (!cell) this.cells.set(row.key, (cell = new Cell(row)));
    return cell;
  }
}

function sameKeys(a, b) {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** "31.7k/s · 180 logs · 5xx 1.2% · ✗ 2 failed · … 1 stale" */
function summaryOf(section) {
  const parts = [`${formatRate(section.rate)}/s`, `${section.rows.length} ${section.rows.length === 1 ? 'log' : 'logs'}`];
  for (const { name, share } of section.shares) parts.push(`${name} ${formatShare(share)}`);
  if (section.failed) parts.push(`✗ ${section.failed} failed`);
  if (section.stale) parts.push(`… ${section.stale} stale`);
  return parts.join(' · ');
}

/** The tooltip: where the cell's numbers come from, and for a problem its reason. */
function titleOf(row, parts, age) {
  const where = `${row.host} · ${row.group} · ${row.log}`;
  // Not the rate: a title rewritten on every cell every tick would cost more than the cell.
  if (parts.state === 'ok') return `${where}\nclick for details`;
  const since = age === null ? '' : ` (last answer ${formatAge(age)} ago)`;
  return `${where}\n${STATE_LABEL[parts.state]}: ${row.error ?? row.status}${since}`;
}
