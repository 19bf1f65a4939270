import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Row, Snapshot } from '../../src/core/snapshot.js';
import { row, snapshotOf } from '../helpers/rows.js';
import { toJson } from '../../src/render/json.js';
import { formatRate, makeStyle } from '../../src/render/style.js';
import { renderTable } from '../../src/render/table.js';

const rows: Row[] = [
  row({ host: 'web01', group: 'nginx', rate: 123.4567, lines: 247, trend: 'up', history: [100, 123.4567] }),
  row({ host: 'web02', group: 'nginx', status: 'hostkey', error: 'HOST KEY CHANGED for web02' }),
  row({ host: 'web03', status: 'stale', error: 'waiting for an answer (2.0s)' }),
];
const snapshot: Snapshot = snapshotOf(rows, Date.UTC(2026, 10, 25, 8, 0, 0), 2000);

test('the table reads without colour: words and symbols carry the meaning', () => {
  const text = renderTable(snapshot, makeStyle(false));
  assert.ok(!text.includes('\u001b'), 'no escape codes');
  assert.match(text, /│ web01 │ nginx +│ \/var\/log\/a\.log +│ +123 │ ▲ up +│ +▇█ │ ok /);
  assert.match(text, /│ web02 .*│ +— │ — +│ +│ ✗ hostkey/);
  assert.match(text, /│ web03 .*│ … stale/);
  assert.match(text, /│ total .*1 ok, 1 stale, 1 failed │ +123 │/);
  assert.match(text, /✗ web02 \(nginx\): HOST KEY CHANGED for web02/);
  assert.match(text, /… web03: waiting for an answer/);
});

test('colour only when asked for', () => {
  assert.ok(renderTable(snapshot, makeStyle(true)).includes('\u001b[32m▲ up'));
});

test('JSON: ISO time, interval in seconds, rates rounded, failures explained', () => {
  const json = toJson(snapshot);
  assert.equal(json.time, '2026-11-25T08:00:00.000Z');
  assert.equal(json.interval, 2);
  assert.deepEqual(json.hosts[0], { host: 'web01', group: 'nginx', log: '/var/log/a.log', rate: 123.457, lines: 247, trend: 'up', change: null, age: 0, status: 'ok', error: null });
  assert.equal(json.hosts[1]?.status, 'hostkey');
  assert.deepEqual(json.total, { rate: 123.457, ok: 1, stale: 1, failed: 1, carried: 0, odd: 0, trend: null });
  assert.deepEqual(json.groups, [{ group: 'nginx', rate: 123.457, ok: 1, stale: 0, failed: 1, carried: 0, odd: 0 }, { group: 'default', rate: null, ok: 0, stale: 1, failed: 0, carried: 0, odd: 0 }]);
});

test('rates get fewer decimals as they grow', () => {
  assert.deepEqual([formatRate(0), formatRate(3.14159), formatRate(42.42), formatRate(1234.5), formatRate(null)], ['0.00', '3.14', '42.4', '1235', '—']);
});

test('a total that carries a log unknown for a moment says so, in the table and in JSON', () => {
  const carrying = snapshotOf([
    row({ host: 'web01', rate: 100, history: [100, 100] }),
    row({ host: 'web02', history: [100, null], age: 0 }),
  ]);
  const table = renderTable(carrying, makeStyle(false));
  assert.match(table, /│ web02 .*│ +— │/, 'the row itself still reads unknown');
  assert.match(table, /│ total .*2 ok, 1 carried │ +200 │/);
  assert.deepEqual(toJson(carrying).total, { rate: 200, ok: 2, stale: 0, failed: 0, carried: 1, odd: 0, trend: null });
  assert.equal(toJson(carrying).hosts[1]?.rate, null);
});

test('an unknown total is unknown everywhere: null in JSON, — in the table, U in check perfdata, never 0', async () => {
  const { judgeFleet, statusLine } = await import('../../src/core/check.js');
  // Every log has answered once (no rate yet), or failed: nothing to add up.
  const first = snapshotOf([row({ host: 'web01', rate: null, history: [] }), row({ host: 'web02', status: 'refused', error: 'connection refused by x:22', age: null })]);
  assert.equal(first.total.rate, null);
  assert.equal(toJson(first).total.rate, null);
  assert.match(renderTable(first, makeStyle(false)), /│ total +│ +│ 1 ok, 1 failed +│ +— │/);
  const check = judgeFleet(first.rows, () => ({}));
  assert.equal(check.state, 'UNKNOWN');
  assert.match(statusLine(check), /'total'=U;;;0;$/);
  // With one rate known, the total is that rate.
  assert.equal(snapshotOf([row({ host: 'web01', rate: 5, history: [5] }), row({ host: 'web02', rate: null })]).total.rate, 5);
});

test('one number format per column: three significant digits, chosen after rounding (99.96 is 100, not 100.0)', () => {
  assert.deepEqual([99.96, 99.94, 9.996, 9.994, 100, 0.004].map((rate) => formatRate(rate)), ['100', '99.9', '10.0', '9.99', '100', '0.00']);
});

test('the total row adds up each pattern: its rate and its share of the new lines, — where nothing counted it', () => {
  const counted = snapshotOf([
    row({ host: 'web01', rate: 10, lines: 100, history: [10], patterns: [{ name: 'errors', lines: 10, rate: 1, share: 0.1 }] }),
    row({ host: 'web02', rate: 30, lines: 300, history: [30], patterns: [{ name: 'errors', lines: 30, rate: 3, share: 0.1 }] }),
    row({ host: 'web03', rate: null, patterns: null }),
  ]);
  assert.match(renderTable(counted, makeStyle(false)), /│ total +│ +│ 3 ok +│ +40\.0 │ +4\.00 │ +10\.0% │/);
});

test("the terminal's group subtotals are the snapshot's own: the same honest total, carried rates included, that JSON and the web view show", async () => {
  const { selectRows } = await import('../../src/render/select-rows.js');
  const { groupTotalsOf } = await import('../../src/core/snapshot.js');
  const rows = [
    row({ host: 'web01', group: 'web', rate: 100, history: [100, 100] }),
    row({ host: 'web02', group: 'web', history: [80, null], age: 0 }),
    row({ host: 'api01', group: 'api', rate: 5, history: [5] }),
  ];
  const sections = selectRows(rows, { filter: '', sort: 'name', reverse: false, grouped: true });
  const groups = groupTotalsOf(rows);
  assert.deepEqual(
    sections.map((s) => [s.group, s.subtotal, s.carried]),
    groups.map((g) => [g.group, g.total.rate, g.total.carried]),
  );
  assert.deepEqual(toJson(snapshotOf(rows)).groups.map((g) => [g.group, g.rate, g.carried]), [['web', 180, 1], ['api', 5, 0]]);
});
