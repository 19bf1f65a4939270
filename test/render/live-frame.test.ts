import { test } from 'node:test';
import assert from 'node:assert/strict';
import stringWidth from 'string-width';
import { DEFAULT_TREND } from '../../src/core/trend.js';
import type { Row } from '../../src/core/snapshot.js';
import { layoutBody } from '../../src/render/fleet-layout.js';
import { parseKeys } from '../../src/render/keys.js';
import { renderFrame } from '../../src/render/live-frame.js';
import { selectRows } from '../../src/render/select-rows.js';
import { sparkline } from '../../src/render/sparkline.js';
import { makeStyle } from '../../src/render/style.js';
import { INITIAL_VIEW, onKey, type ViewState } from '../../src/render/view-state.js';
import { row, snapshotOf } from '../helpers/rows.js';

const plain = makeStyle(false);
const colour = makeStyle(true);
const ascii = makeStyle(false, true);

function fleet(size: number, groups = ['nginx', 'api', 'cdn']): Row[] {
  return Array.from({ length: size }, (_, i) => {
    const host = `web${String(i + 1).padStart(4, '0')}`;
    if (i % 97 === 5) return row({ host, group: groups[i % groups.length]!, status: 'refused', error: 'connection refused', age: 12 });
    if (i % 89 === 7) return row({ host, group: groups[i % groups.length]!, status: 'stale', error: 'waiting', age: 3 });
    return row({ host, group: groups[i % groups.length]!, rate: (i * 7) % 500, trend: (['up', 'down', 'flat'] as const)[i % 3], history: [1, 2, 3, null, 5, (i * 7) % 500] });
  });
}

const frame = (rows: Row[], width: number, height: number, view: Partial<ViewState> = {}, style = plain) =>
  renderFrame({ snapshot: snapshotOf(rows), totals: [10, 20, 30], view: { ...INITIAL_VIEW, ...view }, size: { width, height }, style, trend: DEFAULT_TREND });

/** Every host of the fleet that appears on screen. */
function visibleHosts(text: string): Set<string> {
  return new Set(text.match(/web\d{4}/g) ?? []);
}

test('at every terminal size, the frame never draws past the screen', () => {
  for (const size of [0, 1, 9, 100, 300, 1000]) {
    for (const [width, height] of [[1, 1], [10, 5], [13, 3], [40, 10], [80, 24], [120, 40], [160, 45], [200, 60]] as const) {
      for (const view of [{}, { grouped: false }, { help: true }, { sort: 'rate' as const }]) {
        for (const style of [plain, colour, ascii]) {
          const text = frame(fleet(size), width, height, view, style).text;
          const lines = text.split('\n');
          assert.ok(lines.length <= height, `${size} hosts at ${width}x${height}: ${lines.length} lines`);
          for (const line of lines) assert.ok(stringWidth(line) <= width, `${size} hosts at ${width}x${height}: line of width ${stringWidth(line)}`);
        }
      }
    }
  }
});

test('300 hosts fit a 160x45 terminal with every host visible, grouped or not', () => {
  const rows = fleet(300);
  for (const grouped of [true, false]) {
    const text = frame(rows, 160, 45, { grouped }).text;
    assert.equal(visibleHosts(text).size, 300, `grouped=${grouped}`);
    assert.doesNotMatch(text, /page \d/);
  }
});

test('a small fleet gets the detailed table; a larger one a multi-column grid', () => {
  const small = frame(fleet(9), 120, 30).text;
  assert.match(small, /host +log +lines\/s +trend +last minute +status/);
  assert.match(small, /── nginx ─ /);
  const sections = selectRows(fleet(100), INITIAL_VIEW);
  const layout = layoutBody(sections, { width: 120, height: 30 }, plain, 0);
  assert.equal(layout.mode, 'grid');
  assert.ok(layout.lines.some((line) => (line.match(/web\d{4}/g) ?? []).length >= 3), 'several hosts per line');
});

test('when even the densest grid overflows, pages show every host exactly once', () => {
  const rows = fleet(1000);
  const first = layoutBody(selectRows(rows, INITIAL_VIEW), { width: 80, height: 20 }, plain, 0);
  assert.ok(first.pages > 1);
  const seen = new Map<string, number>();
  for (let page = 0; page < first.pages; page++) {
    const layout = layoutBody(selectRows(rows, INITIAL_VIEW), { width: 80, height: 20 }, plain, page);
    assert.equal(layout.page, page);
    assert.ok(layout.lines.length <= 20);
    for (const host of layout.lines.join('\n').match(/web\d{4}/g) ?? []) seen.set(host, (seen.get(host) ?? 0) + 1);
  }
  assert.equal(seen.size, 1000);
  assert.ok([...seen.values()].every((count) => count === 1));
  // Asking for a page past the end shows the last one.
  assert.equal(layoutBody(selectRows(rows, INITIAL_VIEW), { width: 80, height: 20 }, plain, 999).page, first.pages - 1);
});

test('failed and stale hosts read without colour: a symbol, the reason word and the age', () => {
  const text = frame(fleet(300), 160, 45).text;
  assert.match(text, /web0006 ✗ refused/);
  assert.match(text, /web0008 … stale 3s/);
  const table = frame(fleet(12), 120, 30).text;
  assert.match(table, /web0006 .*✗ refused 12s/);
  const asciiText = frame(fleet(300), 160, 45, {}, ascii).text;
  assert.match(asciiText, /web0006 x refused/);
  assert.doesNotMatch(asciiText, /[▁▂▃▄▅▆▇█▲▼✗…─]/);
});

test('the header has the fleet total, its trend, and ok / stale / failed counts', () => {
  const rows = [row({ host: 'a', rate: 10 }), row({ host: 'b', rate: 32.5 }), row({ host: 'c', status: 'stale' }), row({ host: 'd', status: 'auth' })];
  const [totals, viewLine] = frame(rows, 120, 20).text.split('\n');
  assert.match(totals!, /total 42\.5\/s ▲/);
  assert.match(totals!, /2 ok {2}… 1 stale {2}✗ 1 failed/);
  assert.match(viewLine!, /sort name \(A-Z\) · by group/);
});

test('sort by name, rate and change; reverse; filter by host or group; groups on and off', () => {
  const rows = [
    row({ host: 'web10', group: 'alpha', rate: 5, change: 1 }),
    row({ host: 'web2', group: 'beta', rate: 50, change: -40 }),
    row({ host: 'web1', group: 'alpha', rate: null }),
  ];
  const names = (view: Partial<ViewState>) => selectRows(rows, { ...INITIAL_VIEW, grouped: false, ...view })[0]!.rows.map((r) => r.host);
  assert.deepEqual(names({}), ['web1', 'web2', 'web10']);
  assert.deepEqual(names({ sort: 'rate' }), ['web2', 'web10', 'web1']);
  assert.deepEqual(names({ sort: 'change' }), ['web2', 'web10', 'web1']);
  assert.deepEqual(names({ reverse: true }), ['web10', 'web2', 'web1']);
  assert.deepEqual(names({ filter: 'WEB1' }), ['web1', 'web10']);
  const grouped = selectRows(rows, { ...INITIAL_VIEW, filter: 'BETA' });
  assert.deepEqual(grouped.map((s) => [s.group, s.rows.map((r) => r.host), s.subtotal]), [['beta', ['web2'], 50]]);
  assert.deepEqual(selectRows(rows, INITIAL_VIEW).map((s) => [s.group, s.rows.map((r) => r.host)]), [['alpha', ['web1', 'web10']], ['beta', ['web2']]]);
  assert.match(frame(rows, 100, 20, { filter: 'zzz' }).text, /no host or group matches "zzz"/);
});

test('keys: s cycles sort, r reverses, / edits a filter, g groups, p pauses, ? helps, q and Ctrl-C quit', () => {
  let view = INITIAL_VIEW;
  const press = (...keys: string[]) => {
    for (const key of keys) {
      const result = onKey(view, key);
      assert.equal(result.quit, false, key);
      view = result.state;
    }
  };
  press('s');
  assert.equal(view.sort, 'rate');
  press('s', 's');
  assert.equal(view.sort, 'name');
  press('r', 'g', 'p');
  assert.deepEqual([view.reverse, view.grouped, view.paused], [true, false, true]);
  press('/', 'w', 'e', 'x', 'backspace', 'b', 'enter');
  assert.deepEqual([view.filter, view.editing], ['web', null]);
  press('/', 'q', 'escape');
  assert.equal(view.filter, 'web', 'q while typing is a letter, Esc cancels the edit');
  press('escape');
  assert.equal(view.filter, '');
  press('pagedown', 'pagedown', 'pageup');
  assert.equal(view.page, 1);
  press('?');
  assert.equal(view.help, true);
  press('x');
  assert.equal(view.help, false);
  assert.equal(onKey(view, 'q').quit, true);
  assert.equal(onKey({ ...view, editing: 'abc' }, 'ctrl-c').quit, true);
});

test('raw terminal input splits into keys, escape sequences included', () => {
  assert.deepEqual(parseKeys('q'), ['q']);
  assert.deepEqual(parseKeys('\u001b[6~\u001b[5~\u001b[A\u001b[B'), ['pagedown', 'pageup', 'up', 'down']);
  assert.deepEqual(parseKeys('/web\r'), ['/', 'w', 'e', 'b', 'enter']);
  assert.deepEqual(parseKeys('\u0003\u007f\u001b'), ['ctrl-c', 'backspace', 'escape']);
  assert.deepEqual(parseKeys('\u001b[99;5Xs'), ['s']);
});

test('sparklines: scaled to the series, newest at the right, gaps for failed samples', () => {
  const glyphs = plain.glyphs;
  assert.equal(sparkline([0, 1, 2, 3, 4, 5, 6, 7], 8, glyphs), '▁▂▃▄▅▆▇█');
  assert.equal(sparkline([7, null, 7], 3, glyphs), '█ █');
  assert.equal(sparkline([1], 4, glyphs), '   █');
  assert.equal(sparkline([0, 0], 2, glyphs), '▁▁');
  assert.equal(sparkline(Array.from({ length: 60 }, (_, i) => i), 10, glyphs).length, 10);
  assert.equal(sparkline([1, 2], 0, glyphs), '');
});

test('the detailed table shows the rate and the share of each named pattern', () => {
  const rows = [
    row({ host: 'web01', rate: 100, history: [100], patterns: [{ name: 'errors', lines: 5, rate: 5, share: 0.05 }] }),
    row({ host: 'web02', rate: 50, history: [50], patterns: [{ name: 'errors', lines: 0, rate: 0, share: 0 }] }),
    row({ host: 'web03', status: 'refused', error: 'connection refused' }),
  ];
  const text = frame(rows, 140, 20).text;
  assert.match(text, /lines\/s +errors\/s +errors % +trend/);
  assert.match(text, /web01 .* 100 +5\.00 +5\.0% /);
  assert.match(text, /web02 .* 50\.0 +0\.00 +0\.0% /);
});

test('the header and the group subtotals count carried rates, and say how many', () => {
  const rows = [
    row({ host: 'web01', group: 'nginx', rate: 100, history: [100, 100] }),
    row({ host: 'web02', group: 'nginx', history: [100, null], age: 0 }),
    row({ host: 'api01', group: 'api', rate: 50, history: [50, 50] }),
  ];
  const text = frame(rows, 120, 20).text;
  assert.match(text, /total 250\/s \(1 carried\)/);
  assert.match(text, /── nginx ─ 200\/s \(1 carried\) · 2 logs/);
  assert.match(text, /── api ─ 50\.0\/s · 1 log /);
  assert.match(text, /web02 .* — /, 'the row itself still reads unknown');
});

test('the header starts from the first real total: no trend from an unknown one, and the sparkline grows without halving', () => {
  const at = (rate: number | null) => ({ ...snapshotOf([row({ host: 'a', rate, history: rate === null ? [] : [rate] })]), historyLength: 60 });
  const frame = (rate: number | null, totals: (number | null)[]) => renderFrame({ snapshot: at(rate), totals, view: INITIAL_VIEW, size: { width: 140, height: 20 }, style: plain, trend: DEFAULT_TREND }).text.split('\n')[0]!;
  // Unknown, then a steady 50: no "rising" from a placeholder zero.
  assert.match(frame(null, [null]), /total —\/s/);
  assert.doesNotMatch(frame(50, [null, 50]), /▲|rising/);
  assert.doesNotMatch(frame(50, [null, 50, 50, 50]), /▲|rising/);
  // With its capacity known, a history of 21 draws 11 cells (pairs), as does one of 22: no sudden halving at 21.
  const cells = (values: number[]) => sparkline(values, 20, plain.glyphs, { capacity: 60 }).trim().length;
  assert.equal(cells(Array.from({ length: 19 }, () => 5)), 7);
  assert.equal(cells(Array.from({ length: 21 }, () => 5)), 7);
  assert.ok(cells(Array.from({ length: 60 }, () => 5)) >= 19);
});

test('the detailed table, short of width, gives up the sparkline, then pattern rates, then shares, never the host or the status', () => {
  const rows = [
    row({ host: 'frontend-web-01', rate: 100, history: [90, 100], patterns: [{ name: 'errors', lines: 5, rate: 5, share: 0.05 }] }),
    row({ host: 'frontend-web-02', status: 'refused', error: 'connection refused', age: 12 }),
  ];
  const head = (width: number) => frame(rows, width, 20).text.split('\n')[2]!;
  assert.match(head(140), /^host +log +lines\/s +errors\/s +errors % +trend +last minute +status/);
  assert.match(head(80), /^host +log +lines\/s +errors % +trend +status/);
  assert.match(head(62), /^host +lines\/s +trend +status/);
  for (const width of [140, 80, 62]) {
    const text = frame(rows, width, 20).text;
    assert.match(text, /^frontend-web-01 /m, `${width}: the whole host name`);
    assert.match(text, /^frontend-web-02 .* ✗ refused 12s/m, `${width}: the whole status`);
  }
});

test('a narrow detailed table drops a value column whole rather than cut a number or an odd verdict', () => {
  const odd = { ratio: 12.5, median: 10, odd: 'high' as const, peers: 5, reason: 'odd' };
  const rows = Array.from({ length: 5 }, (_, i) =>
    row({
      host: `web0${i}`,
      rate: 100 + i,
      history: [100, 100 + i],
      log: '/var/log/nginx/access.log',
      ...(i === 0 ? { peer: odd } : {}),
      patterns: [{ name: 'errors', lines: 25, rate: 24.8, share: 0.248, ...(i === 0 ? { peer: odd } : {}) }],
    }),
  );
  for (const style of [plain, makeStyle(false, true)]) {
    for (let width = 50; width <= 140; width += 3) {
      const text = frame(rows, width, 20, {}, style).text;
      const first = text.split('\n').find((line) => line.startsWith('web00'))!;
      // Each value is there whole, or its column is gone: never a cut one.
      if (/errors %/.test(text)) assert.match(first, /! 24\.8% high/, `${width}: the odd share whole`);
      if (/ peers /.test(text)) assert.match(first, /! 12\.5(×|x) high/, `${width}: the odd ratio whole`);
      assert.doesNotMatch(first, /(\d|%)(…|\.\.\.)/, `${width}: no number cut`);
    }
  }
});
