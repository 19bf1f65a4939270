// The fleet as sections of host cells. Cells are made once per log and kept,
// and moved only when the order changed. A healthy cell's element holds its
// name (and the whole line as its aria-label); its changing numbers are
// painted on the section's canvas (cell-canvas.js). A stale or failed cell
// shows its line as text (there are few), but for a failed cell's age, which
// changes every tick and is painted too.
import { cellName, cellParts, cellText, failedText, formatDuration, oddNote, totalSummary } from './format.js';
import { el, hueOf } from './dom.js';
import { CellCanvas } from './cell-canvas.js';

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
    this.shown = { state: '', text: '', label: '', title: '', status: '' };
  }

  update(row, text, line, state, title) {
    const shown = this.shown;
    // pvlook's verdict, as a mark in the text (readable without colour) and a class for the frame.
    const classes = `cell ${state}${row.odd ? ' odd' : ''}`;
    if (classes !== shown.state) this.element.className = shown.state = classes;
    if (row.status !== shown.status) this.element.dataset.status = shown.status = row.status;
    if (text !== shown.text) this.text.data = shown.text = text;
    if (line !== shown.label) this.element.setAttribute('aria-label', (shown.label = line));
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
    this.numbers = new CellCanvas();
    this.grid.append(this.numbers.canvas);
    this.element.append(this.heading, this.grid);
    this.keys = [];
    this.summaryText = '';
    /** each shown cell's parts, in grid order, for the canvas */
    this.parts = [];
  }
}

export class GridView {
  constructor(container) {
    this.container = container;
    this.cells = new Map();
    this.sections = new Map();
    this.order = [];
    this.nameWidth = 4;
  }

  /**
   * Show these sections (from sectionsOf). Returns true when the layout
   * changed (cells or sections added, removed or reordered).
   */
  render(store, sections) {
    let moved = false;
    const nameWidth = Math.max(4, Math.min(MAX_NAME, store.longestName));
    if (nameWidth !== this.nameWidth) moved = true;
    this.nameWidth = nameWidth;
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
        section.grid.replaceChildren(...wanted.rows.map((row) => this.cellFor(row).element), section.numbers.canvas);
        section.keys = keys;
        moved = true;
      }
      section.parts = wanted.rows.map((row) => {
        const parts = cellParts(row, SPARK_WIDTH);
        const cell = this.cells.get(row.key);
        const note = row.odd ? oddNote(row) : '';
        // The mark sits in the space between the name and the painted numbers, as in the terminal's grid: no name is cut for it.
        const name = row.odd ? `${cellName(row.host, nameWidth).padEnd(nameWidth)}!` : cellName(row.host, nameWidth);
        const line = cellText(row.host, nameWidth, parts) + (note ? ` · ${note}` : '');
        // A failed cell's age changes every tick: painted, since changing any cell's text lays the whole grid out again.
        const shown = parts.state === 'ok' ? name : parts.state === 'failed' ? failedText(row.host, nameWidth, parts) : line;
        cell.update(row, shown, line, parts.state, titleOf(row, parts, note));
        return parts;
      });
    }
    // Forget cells of logs that left the fleet.
    if (this.cells.size > store.rows.size) for (const key of this.cells.keys()) if (!store.rows.has(key)) this.cells.delete(key);
    return moved;
  }

  /**
   * Paint the numbers. After a layout change (`measure`: cells moved, text
   * size or window changed) the canvases first read the new geometry.
   */
  paint(colors, measure) {
    for (const name of this.order) {
      const section = this.sections.get(name);
      if (measure) section.numbers.measure(section.grid, this.nameWidth);
      section.numbers.paint(section.parts, colors.accent, colors);
    }
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

/** "31717/s (2 carried) · 180 logs · 5xx 1.2% · ✗ 2 failed": pvlook's subtotal of the whole group, whatever the filter shows. */
function summaryOf(section) {
  const logs = section.rows.length === section.logs ? `${section.logs} ${section.logs === 1 ? 'log' : 'logs'}` : `${section.rows.length} of ${section.logs} logs shown`;
  return section.total === null ? logs : totalSummary(section.total, logs);
}

/** The tooltip: where the cell's numbers come from, and for a problem its reason. */
function titleOf(row, parts, note) {
  const where = `${row.host} · ${row.group} · ${row.log}`;
  // Not the rate: a title rewritten on every cell every tick would cost more than the cell.
  if (parts.state === 'ok') return `${where}${note ? `\n${note}` : ''}\nclick for details`;
  const since = row.age === null ? '' : ` (last answer ${formatDuration(row.age)} ago)`;
  return `${where}\n${STATE_LABEL[parts.state]}: ${row.error ?? row.status}${since}`;
}
