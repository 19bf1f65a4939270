// The header: pvlook's fleet total, its trend and last-minute chart, how
// many logs are ok, stale and failed (and how many the total carries),
// pattern shares fleet-wide, and whether the numbers are live.
import { drawChart } from './chart.js';
import { formatClock, formatRate, formatShare, trendArrow, trendWord } from './format.js';

export class HeaderView {
  constructor(elements) {
    this.elements = elements;
    this.colors = null;
  }

  render(store) {
    const { total } = store;
    const e = this.elements;
    setText(e.rate, formatRate(total.rate));
    setText(e.trend, `${trendArrow(total.trend)} ${trendWord(total.trend)}${total.carried > 0 ? ` · ${total.carried} carried` : ''}`);
    setText(e.ok, `${total.ok} ok`);
    setText(e.stale, `… ${total.stale} stale`);
    setText(e.failed, `✗ ${total.failed} failed`);
    e.failed.classList.toggle('alert', total.failed > 0);
    e.stale.classList.toggle('warn', total.stale > 0);
    // pvlook's own count of odd logs (total.odd), not one made here.
    setText(e.odd, `! ${total.odd} odd`);
    e.odd.classList.toggle('odd', total.odd > 0);
    setText(
      e.shares,
      Object.entries(total.patterns ?? {})
        .map(([name, sum]) => `${name} ${formatShare(sum?.share)}`)
        .join(' · '),
    );
    setText(e.clock, formatClock(store.time));
    this.colors ??= readColors();
    const minute = Math.max(2, Math.ceil(60 / store.interval));
    drawChart(e.chart, [{ values: store.recentTotals(minute).map((value) => value ?? NaN), color: this.colors.accent, fill: true }], { grid: this.colors.grid, text: this.colors.muted });
  }

  connection(state, detail) {
    this.elements.connection.textContent = detail ? `${state} · ${detail}` : state;
    document.body.dataset.connection = state;
  }
}

/** Unchanged text is not written again: every write makes the browser lay the header out anew. */
function setText(element, text) {
  if (element.textContent !== text) element.textContent = text;
}

export function readColors() {
  const style = getComputedStyle(document.documentElement);
  const get = (name) => style.getPropertyValue(name).trim();
  return { fg: get('--fg'), accent: get('--accent'), grid: get('--grid'), muted: get('--muted'), warn: get('--warn'), bad: get('--bad') };
}
