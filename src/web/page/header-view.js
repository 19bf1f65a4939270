// The header: the fleet's total rate, its trend and last-minute chart, how
// many logs are ok, stale and failed, pattern shares fleet-wide, and whether
// the numbers are live.
import { drawChart } from './chart.js';
import { formatClock, formatShare, formatTotal, trendArrow, trendWord } from './format.js';

export class HeaderView {
  constructor(elements) {
    this.elements = elements;
    this.colors = null;
  }

  render(store) {
    const { total } = store;
    const e = this.elements;
    e.rate.textContent = formatTotal(total.rate);
    const trend = store.totalTrend();
    e.trend.textContent = `${trendArrow(trend)} ${trendWord(trend)}`;
    e.ok.textContent = `${total.ok} ok`;
    e.stale.textContent = `… ${total.stale} stale`;
    e.failed.textContent = `✗ ${total.failed} failed`;
    e.failed.classList.toggle('alert', total.failed > 0);
    e.stale.classList.toggle('warn', total.stale > 0);
    // pvlook's own count of odd logs (total.odd), not one made here.
    e.odd.textContent = `! ${total.odd} odd`;
    e.odd.classList.toggle('odd', total.odd > 0);
    e.shares.textContent = sharesOf(store)
      .map(({ name, share }) => `${name} ${formatShare(share)}`)
      .join(' · ');
    e.clock.textContent = formatClock(store.time);
    this.colors ??= readColors();
    const minute = Math.max(2, Math.ceil(60 / store.interval));
    drawChart(e.chart, [{ values: store.recent(store.totals, minute), color: this.colors.accent, fill: true }], { grid: this.colors.grid, text: this.colors.muted });
  }

  connection(state, detail) {
    this.elements.connection.textContent = detail ? `${state} · ${detail}` : state;
    document.body.dataset.connection = state;
  }
}

/** Per pattern, matched lines over new lines across every log that counts it. */
function sharesOf(store) {
  const matched = new Map();
  let lines = 0;
  for (const row of store.rows.values()) {
    if (!row.patterns || row.lines === null) continue;
    lines += row.lines;
    for (const [name, counted] of Object.entries(row.patterns)) if (typeof counted?.lines === 'number') matched.set(name, (matched.get(name) ?? 0) + counted.lines);
  }
  return [...matched].map(([name, count]) => ({ name, share: lines > 0 ? count / lines : null }));
}

export function readColors() {
  const style = getComputedStyle(document.documentElement);
  const get = (name) => style.getPropertyValue(name).trim();
  return { fg: get('--fg'), accent: get('--accent'), grid: get('--grid'), muted: get('--muted'), warn: get('--warn'), bad: get('--bad') };
}
