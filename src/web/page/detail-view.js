// The detail of one host, opened by a click on its cell: for every log it is
// watched for, the path, the state, pvlook's numbers, and the rate history of
// the last minutes (ten by default) as pvlook holds it, fetched from
// /history when the detail opens and then carried on tick by tick. Built
// once per host; each tick only its texts and charts are updated in place.
import { drawChart } from './chart.js';
import { el } from './dom.js';
import { formatClock, formatDuration, formatRate, formatShare, oddNote, trendWord } from './format.js';
import { readColors } from './header-view.js';

const PATTERN_COLORS = ['--bad', '--warn', '--accent2'];

export class DetailView {
  /** @param fetchHistory (host) => Promise of pvlook's /history answer for it */
  constructor(dialog, fetchHistory) {
    this.dialog = dialog;
    this.fetchHistory = fetchHistory;
    this.host = null;
    /** the blocks shown, one per log, and what their layout was built for */
    this.blocks = [];
    this.shape = '';
    /** pvlook's history for the host: { tick, interval, logs: [{ group, log, rates, patterns }] } */
    this.history = null;
    /** the host's rows at the last tick, to fill in pattern facts when the history brings their names */
    this.rows = [];
    dialog.addEventListener('close', () => {
      this.host = null;
      this.history = null;
      this.rows = [];
    });
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
    this.history = null;
    this.shape = '';
    this.load(host);
    this.render(store);
    if (!this.dialog.open) this.dialog.showModal();
  }

  /** A new state (pvlook restarted, or the page reconnected): ticks count afresh, so the history is fetched again. */
  restart() {
    if (this.host === null) return;
    this.history = null;
    this.load(this.host);
  }

  load(host) {
    this.fetchHistory(host).then(
      (history) => {
        if (this.host !== host || !history || !Array.isArray(history.logs)) return;
        this.history = history;
        this.patterns();
        this.draw();
      },
      () => {},
    );
  }

  render(store) {
    if (this.host === null) return;
    const rows = [...store.rows.values()].filter((row) => row.host === this.host);
    // The layout is the host's logs only: a tick's patterns are null whenever a log's rate is unknown,
    // and rebuilding then would lose the focus. Pattern names come from the history (patterns()).
    const shape = rows.map((row) => row.key).join('\u0001');
    if (shape !== this.shape) this.build(rows);
    this.shape = shape;
    this.rows = rows;
    this.patterns();
    this.follow(store, rows);
    this.draw();
  }

  /**
   * Each block's pattern facts and chart keys, updated in place: the names in
   * pvlook's history of the log (stable, whatever this tick's rates), or
   * before it has come, every name the log's ticks have had so far.
   */
  patterns() {
    this.blocks.forEach((b, i) => {
      const row = this.rows[i];
      const log = this.history?.logs.find((candidate) => candidate.group === b.group && candidate.log === b.log);
      const names = log ? Object.keys(log.patterns ?? {}) : [...new Set([...b.patternNames, ...Object.keys(row?.patterns ?? {})])];
      setPatterns(b, names);
      fill(b, row);
    });
  }

  /** The history goes on with each tick's rates; after a missed tick it is fetched again. */
  follow(store, rows) {
    const history = this.history;
    if (history === null || store.tick <= history.tick) return;
    if (store.tick > history.tick + 1) {
      this.history = null;
      this.load(this.host);
      return;
    }
    history.tick = store.tick;
    const capacity = typeof history.slots === 'number' && history.slots > 0 ? history.slots : Math.max(...history.logs.map((log) => log.rates.length), 2);
    for (const log of history.logs) {
      const row = rows.find((candidate) => candidate.group === log.group && candidate.log === log.log);
      push(log.rates, row?.rate ?? null, capacity);
      for (const [name, rates] of Object.entries(log.patterns ?? {})) push(rates, row?.patterns?.[name]?.rate ?? null, capacity);
    }
  }

  build(rows) {
    const close = el('button', 'close', 'close');
    close.type = 'button';
    close.addEventListener('click', () => this.dialog.close());
    const heading = el('h2', '', this.host);
    this.blocks = rows.map((row) => block(row));
    const content = this.blocks.length === 0 ? [el('p', '', 'This host is no longer in the fleet.')] : this.blocks.map((b) => b.element);
    this.dialog.replaceChildren(close, heading, ...content);
  }

  draw() {
    const colors = readColors();
    for (const b of this.blocks) {
      const log = this.history?.logs.find((candidate) => candidate.group === b.group && candidate.log === b.log);
      const rates = log?.rates ?? [];
      const minutes = Math.round((rates.length * (this.history?.interval ?? 1)) / 60);
      b.legendText.data = this.history === null ? 'lines/s (loading the history…)' : `lines/s, last ${minutes < 1 ? 'minute' : `${minutes} min`}`;
      const series = [{ values: rates.map((value) => value ?? NaN), color: colors.accent, fill: true }];
      b.patternNames.forEach((name, i) => {
        const color = getComputedStyle(document.documentElement).getPropertyValue(PATTERN_COLORS[i % PATTERN_COLORS.length]).trim();
        b.keys[i].style.color = color;
        series.push({ values: (log?.patterns?.[name] ?? []).map((value) => value ?? NaN), color });
      });
      drawChart(b.chart, series, { grid: colors.grid, text: colors.muted, label: (max) => `${formatRate(max)}/s` });
    }
  }
}

/** One log's block: its facts as text nodes to be rewritten, its chart and legend. */
function block(row) {
  const element = el('section', 'log');
  element.append(el('h3', '', `${row.group} · ${row.log}`));
  const facts = el('dl');
  const values = {};
  const fact = (name, term) => {
    const dd = el('dd', '', ' ');
    facts.append(el('dt', '', term), dd);
    values[name] = dd.firstChild;
  };
  fact('state', 'state');
  fact('rate', 'rate');
  fact('change', 'change');
  fact('lines', 'lines');
  fact('odd', 'peers');
  const patternsBefore = facts.lastChild.previousSibling;
  fact('error', 'last error');
  const chart = el('canvas', 'history');
  const legend = el('p', 'legend', ' ');
  element.append(facts, chart, legend);
  return { element, group: row.group, log: row.log, values, chart, legend, legendText: legend.firstChild, facts, patternsBefore, patternFacts: [], keys: [], patternNames: [] };
}

/** The block's pattern facts (before "peers") and chart keys for these names, rebuilt only when the names change. */
function setPatterns(b, names) {
  if (names.length === b.patternNames.length && names.every((name, i) => name === b.patternNames[i])) return;
  for (const node of [...b.patternFacts, ...b.keys]) node.remove();
  for (const name of b.patternNames) delete b.values[`pattern:${name}`];
  b.patternFacts = [];
  b.keys = [];
  for (const name of names) {
    const term = el('dt', '', name);
    const value = el('dd', '', ' ');
    b.facts.insertBefore(term, b.patternsBefore);
    b.facts.insertBefore(value, b.patternsBefore);
    b.values[`pattern:${name}`] = value.firstChild;
    b.patternFacts.push(term, value);
    const key = el('span', 'key', ` ── ${name}`);
    b.legend.append(key);
    b.keys.push(key);
  }
  b.patternNames = names;
}

/** The block's texts from pvlook's latest values, written only where they changed. */
function fill(b, row) {
  if (!row) return;
  const set = (name, text) => {
    const node = b.values[name];
    if (node && node.data !== text) node.data = text;
  };
  const age = row.age === null ? '' : `, last answer ${formatDuration(row.age)} ago`;
  set('state', row.status === 'ok' ? 'ok' : `${row.status === 'stale' ? '… stale' : `✗ ${row.status}`}${age}`);
  set('rate', `${formatRate(row.rate)} lines/s, ${trendWord(row.trend)}`);
  set('change', row.change === null ? '—' : `${row.change >= 0 ? '+' : '−'}${formatRate(Math.abs(row.change))} lines/s against the recent mean`);
  set('lines', row.lines === null ? '—' : String(row.lines));
  for (const name of b.patternNames) {
    const counted = row.patterns?.[name];
    set(`pattern:${name}`, `${formatRate(counted?.rate)} lines/s, ${formatShare(counted?.share)} of new lines`);
  }
  set('odd', row.odd ? oddNote(row) : row.peer ? 'not odd' : 'not compared');
  set('error', row.lastError ? `${row.lastError.text} (at ${formatClock(row.lastError.time)})` : 'none seen');
}

function push(values, value, capacity) {
  values.push(value);
  if (values.length > capacity) values.shift();
}
