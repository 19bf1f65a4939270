// The detail of one host, opened by a click on its cell: for every log it is
// watched for, the path, the state, the rate history of the last minutes
// (kept by the page), the pattern rates and the last error.
import { drawChart } from './chart.js';
import { el } from './dom.js';
import { formatAge, formatClock, formatRate, formatShare, trendWord } from './format.js';
import { readColors } from './header-view.js';

const PATTERN_COLORS = ['--bad', '--warn', '--accent2'];

export class DetailView {
  constructor(dialog) {
    this.dialog = dialog;
    this.host = null;
    dialog.addEventListener('close', () => (this.host = null));
    // A click on the dimmed page around the dialog closes it, as Esc does.
    dialog.addEventListener('click', (event) => {
      if (event.target === dialog) {
        const box = dialog.getBoundingClientRect();
        const inside = event.clientX >= box.left && event.clientX <= box.right && event.clientY >= box.top && event.clientY <= box.bottom;
        if (!inside) dialog.close();
      }
    });
  }

  open(host, store) {
    this.host = host;
    this.render(store);
    if (!this.dialog.open) this.dialog.showModal();
  }

  render(store) {
    if (this.host === null) return;
    const rows = [...store.rows.values()].filter((row) => row.host === this.host);
    const colors = readColors();
    const close = el('button', 'close', 'close');
    close.type = 'button';
    close.addEventListener('click', () => this.dialog.close());
    const heading = el('h2', '', this.host);
    const blocks = rows.length === 0 ? [el('p', '', 'This host is no longer in the fleet.')] : rows.map((row) => this.block(row, store, colors));
    this.dialog.replaceChildren(close, heading, ...blocks);
  }

  block(row, store, colors) {
    const block = el('section', 'log');
    block.append(el('h3', '', `${row.group} · ${row.log}`));
    const facts = el('dl');
    const fact = (term, value) => facts.append(el('dt', '', term), el('dd', '', value));
    const age = store.age(row);
    fact('state', row.status === 'ok' ? 'ok' : `${row.status === 'stale' ? '… stale' : `✗ ${row.status}`}${age === null ? '' : `, last answer ${formatAge(age)} ago`}`);
    fact('rate', `${formatRate(row.rate)} lines/s, ${trendWord(row.trend)}`);
    fact('lines', row.lines === null ? '—' : String(row.lines));
    if (row.patterns) {
      for (const [name, counted] of Object.entries(row.patterns)) fact(name, `${formatRate(counted?.rate)} lines/s, ${formatShare(counted?.share)} of new lines`);
    }
    fact('last error', row.lastError ? `${row.lastError.text} (at ${formatClock(row.lastError.time)})` : 'none seen');
    const minutes = Math.round((Math.min(store.count, store.capacity) * store.interval) / 60);
    const chart = el('canvas', 'history');
    const legend = el('p', 'legend', `lines/s, last ${minutes < 1 ? 'minute' : `${minutes} min`}`);
    block.append(facts, chart, legend);
    const series = [{ values: store.recent(row.rates, store.capacity), color: colors.accent, fill: true }];
    [...row.patternRates].forEach(([name, rates], i) => {
      const color = getComputedStyle(document.documentElement).getPropertyValue(PATTERN_COLORS[i % PATTERN_COLORS.length]).trim();
      series.push({ values: store.recent(rates, store.capacity), color });
      const key = el('span', 'key', ` ── ${name}`);
      key.style.color = color;
      legend.append(key);
    });
    // Drawn once the canvas is in the dialog and has a size.
    queueMicrotask(() => drawChart(chart, series, { grid: colors.grid, text: colors.muted, label: (max) => `${formatRate(max)}/s` }));
    return block;
  }
}
