/**
 * The page's own logic, run in Node: what it writes (pvlook's number rules,
 * the terminal's module), how it merges pvlook's state and ticks, and the
 * view's filter, sort and sections, which carry pvlook's subtotals.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cellParts, cellText, formatDuration, formatRate, formatShare, oddNote, sparkText, sparkLevels, totalSummary } from '../../src/web/page/format.js';
import { FleetStore } from '../../src/web/page/fleet-store.js';
import { hashOf, sectionsOf, viewFromHash, DEFAULT_VIEW } from '../../src/web/page/view-state.js';
import { formatRate as terminalRate, formatShare as terminalShare, makeStyle, statusText } from '../../src/render/style.js';
import { sparkline as terminalSparkline } from '../../src/render/sparkline.js';
import { selectRows } from '../../src/render/select-rows.js';
import { retryAfterClose } from '../../src/web/page/retry.js';
import { row as terminalRow } from '../helpers/rows.js';

const at = (second: number) => new Date(Date.UTC(2026, 10, 25, 8, 0, second)).toISOString();
const host = (name: string, rate: number | null, extra: Record<string, unknown> = {}) => ({
  host: name,
  group: 'nginx',
  log: '/var/log/nginx/access.log',
  rate,
  lines: rate === null ? null : Math.round(rate),
  trend: rate === null ? null : 'flat',
  change: rate === null ? null : 0,
  age: rate === null ? 12 : 0.2,
  status: rate === null ? 'refused' : 'ok',
  error: rate === null ? 'connection refused by 192.0.2.1:22' : null,
  ...extra,
});
type Host = ReturnType<typeof host>;
const total = { rate: 123, ok: 1, stale: 0, failed: 1, carried: 1, odd: 0, trend: 'up' };
const state = (tick: number, hosts: Host[], extra: Record<string, unknown> = {}) => ({
  tick,
  time: at(tick),
  interval: 1,
  hosts,
  total,
  groups: [{ group: 'nginx', ...total }],
  history: { slots: 4, times: [], total: [100, null, 123] },
  recent: hosts.map(() => [1, 2]),
  ...extra,
});

test('the page writes numbers with the terminal\'s own rules: the same text for the same values', () => {
  const values = [0, 0.004, 0.5, 9.994, 9.996, 16.14, 99.94, 99.96, 524.4, 12_345, 250_000, null];
  assert.deepEqual(values.map((v) => formatRate(v)), values.map((v) => terminalRate(v)));
  assert.deepEqual([0, 0.0123, 0.25, 1, null].map((v) => formatShare(v)), [0, 0.0123, 0.25, 1, null].map((v) => terminalShare(v)));
  assert.deepEqual([3, 600, 7200].map(formatDuration), ['3s', '10m', '2h']);
  const history = [10, 20, null, 40, 0, 35];
  assert.equal(sparkText(sparkLevels(history, 6)), terminalSparkline(history, 6, makeStyle(false).glyphs));
  assert.equal(sparkText(sparkLevels([10, 20, null, 40], 4))[2], ' ', 'a failed sample is a gap');
  assert.equal(sparkText(sparkLevels([0, 0, 0], 3)), '▁▁▁');
});

test('ages read the same in the terminal and on the page: one rule, under a second included', () => {
  const glyphs = makeStyle(false).glyphs;
  const ages = [0, 0.4, 0.999, 1, 12, 89.4, 89.6, 600, 5399, 7200, 200_000];
  assert.deepEqual(ages.map(formatDuration), ['<1s', '<1s', '<1s', '1s', '12s', '89s', '90s', '10m', '90m', '2h', '2d']);
  for (const age of ages) {
    const failed = cellParts({ status: 'refused', rate: null, trend: null, patterns: null, recent: [], age });
    assert.equal(statusText({ status: 'refused', age }, glyphs), `${glyphs.failed} ${failed.spark}`, `failed, ${age} s`);
    const stale = cellParts({ status: 'stale', rate: null, trend: null, patterns: null, recent: [], age });
    assert.equal(statusText({ status: 'stale', age }, glyphs), `${glyphs.stale} stale ${stale.extra}`, `stale, ${age} s`);
  }
  assert.equal(statusText({ status: 'refused', age: null }, glyphs), `${glyphs.failed} refused`);
  assert.equal(cellParts({ status: 'refused', rate: null, trend: null, patterns: null, recent: [], age: null }).spark, 'refused');
});

test('a cell reads without colour: ✗ and the reason when failed, … and pvlook\'s age when stale', () => {
  const failed = cellParts({ status: 'refused', rate: null, trend: null, patterns: null, recent: [], age: 12 });
  assert.equal(cellText('web014', 6, failed), 'web014 ✗ refused 12s');
  const stale = cellParts({ status: 'stale', rate: null, trend: null, patterns: null, recent: [1, 2], age: 3 });
  assert.match(cellText('web001', 6, stale), /^web001 +… +▅█ +3s$/);
  const ok = cellParts({ status: 'ok', rate: 16.14, trend: 'up', patterns: { '5xx': { lines: 1, rate: 1, share: 0.0123 } }, recent: [1, 2], age: 0 });
  assert.match(cellText('a-very-long-host-name', 8, ok), /^a-very-… +16\.1 ▲ +▅█ +1\.2%$/);
});

test('the store takes pvlook\'s state, then merges each tick\'s changes; a missed tick asks for a new state', () => {
  const store = new FleetStore();
  assert.equal(store.applyState(state(5, [host('web1', 10), host('web2', null)])), true);
  const [web1, web2] = store.list;
  assert.deepEqual(web1!.recent, [1, 2], "the cell's sparkline is full from the start");
  assert.deepEqual(store.recentTotals(10), [100, null, 123]);
  assert.equal(web2!.age, 12);
  assert.equal(web2!.lastError?.text, 'connection refused by 192.0.2.1:22');
  assert.equal(store.applyTick({ tick: 6, time: at(6), interval: 1, total: { ...total, rate: 130 }, groups: [], hosts: { 0: { rate: 11, lines: 11 }, 1: { status: 'ok', rate: 5, error: null } } }), true);
  assert.equal(web1!.rate, 11);
  assert.equal(web1!.trend, 'flat', 'fields a tick does not name stay as they were');
  assert.equal(web2!.status, 'ok');
  assert.equal(web2!.lastError?.text, 'connection refused by 192.0.2.1:22', 'the last error stays after recovery');
  assert.deepEqual(web1!.recent, [1, 2, 11]);
  assert.deepEqual(store.recentTotals(2), [123, 130]);
  // The page keeps as many totals as pvlook holds (history.slots), however few it got at first.
  store.applyTick({ tick: 7, time: at(7), total: { rate: 140 }, hosts: {} });
  assert.deepEqual(store.recentTotals(10), [null, 123, 130, 140]);
  store.applyState(state(6, [host('web1', 11), host('web2', 5, { status: 'ok', error: null })]));
  assert.equal(store.applyTick({ tick: 8, time: at(8), hosts: {} }), false, 'tick 7 was missed');
  assert.equal(web1!.rate, 11);
  // A field now absent is sent as null.
  store.applyTick({ tick: 7, time: at(7), hosts: { 0: { patterns: { '5xx': { lines: 1, rate: 1, share: 0.1 } } } } });
  assert.equal(web1!.patterns?.['5xx'].share, 0.1);
  store.applyTick({ tick: 8, time: at(8), hosts: { 0: { patterns: null } } });
  assert.equal(web1!.patterns, null);
});

test('malformed events and extra fields do not break the store', () => {
  const store = new FleetStore();
  assert.equal(store.applyState(null), false);
  assert.equal(store.applyState({ hosts: 'no' }), false);
  assert.equal(store.applyTick({ tick: 1, hosts: {} }), false, 'no tick before a state');
  store.applyState({ time: at(0), hosts: [{ host: 'web1', rate: 5, status: 'ok', newField: { x: 1 } }, { nothost: true }, 7], total: { rate: 5, carried: 'x' } });
  assert.equal(store.rows.size, 1);
  assert.equal(store.total.rate, 5);
  assert.equal(store.total.carried, 0);
  store.applyTick({ tick: 1, time: at(1), hosts: { 1: { rate: 9 }, 99: { rate: 9 }, 0: 'junk' } });
  assert.equal(store.list[0]!.rate, 5);
});

test('sections carry pvlook\'s group subtotals, whatever the filter shows; filtered, problems only, sorted', () => {
  const store = new FleetStore();
  const patterns = (lines: number) => ({ patterns: { '5xx': { lines, rate: lines, share: lines / 100 } } });
  const nginx = { group: 'nginx', rate: 250, ok: 2, stale: 0, failed: 1, carried: 1, odd: 0, patterns: { '5xx': { rate: 8, share: 0.04 } } };
  const api = { group: 'api', rate: 50, ok: 1, stale: 0, failed: 0, carried: 0, odd: 0 };
  store.applyState(state(1, [host('web10', 100, patterns(2)), host('web2', 100, patterns(6)), { ...host('api1', 50), group: 'api' }, host('web3', null)], { groups: [nginx, api] }));
  const sections = sectionsOf(store, DEFAULT_VIEW);
  assert.deepEqual(sections.map((s: { name: string }) => s.name), ['nginx', 'api']);
  assert.deepEqual(sections[0]!.rows.map((r: { host: string }) => r.host), ['web2', 'web3', 'web10']);
  // pvlook's subtotal, with the carried rate of web3, not a sum of what the page has.
  assert.equal(sections[0]!.total.rate, 250);
  assert.equal(totalSummary(sections[0]!.total), '250/s (1 carried) · 5xx 4.0% · ✗ 1 failed');
  const problems = sectionsOf(store, { ...DEFAULT_VIEW, problems: true });
  assert.deepEqual(problems.flatMap((s: { rows: { host: string }[] }) => s.rows.map((r) => r.host)), ['web3']);
  assert.equal(problems[0]!.total.rate, 250, 'a filter does not change the subtotal it shows');
  assert.equal(problems[0]!.logs, 3);
  const filtered = sectionsOf(store, { ...DEFAULT_VIEW, filter: 'API', grouped: false, sort: 'rate' });
  assert.deepEqual(filtered.map((s: { name: string; rows: unknown[] }) => [s.name, s.rows.length]), [['all', 1]]);
  assert.equal(filtered[0]!.total.rate, 123, 'ungrouped, the section shows the fleet total');
  const byState = sectionsOf(store, { ...DEFAULT_VIEW, grouped: false, sort: 'state' });
  assert.equal(byState[0]!.rows[0]!.host, 'web3');
});

test('the view lives in the URL fragment, so a wall screen bookmark opens the same view', () => {
  const view = { sort: 'rate', reverse: true, grouped: false, problems: true, odd: true, filter: 'web 1' };
  assert.deepEqual(viewFromHash(hashOf(view)), view);
  assert.equal(hashOf(DEFAULT_VIEW), '');
  assert.deepEqual(viewFromHash('#sort=bogus'), DEFAULT_VIEW);
});

test('odd logs are the ones pvlook says are odd: the page takes the verdict from the stream and computes none', () => {
  const store = new FleetStore();
  const peer = (odd: boolean, ratio: number | null, side: string | null) => ({ ratio, median: 100, odd, side, peers: 4, reason: null });
  // web2's rate is far from the others' but pvlook did not call it odd (not yet 3 samples): neither does the page.
  store.applyState(
    state(0, [
      host('web1', 100, { peer: peer(false, 1, null) }),
      host('web2', 5, { peer: peer(false, 0.05, null) }),
      host('web3', 100, { peer: peer(true, 1, 'low') }),
      host('web4', 100, { peer: peer(false, 1, null), patterns: { '5xx': { lines: 10, rate: 10, share: 0.1, peer: { ratio: null, median: 0, odd: true, side: 'high', peers: 4, reason: 'x' } } } }),
    ]),
  );
  const rows = [...store.rows.values()];
  assert.deepEqual(rows.map((row) => row.odd), [false, false, true, true]);
  assert.equal(oddNote(rows[2]!), "odd: rate 1.00× peers' median (low)");
  assert.equal(oddNote(rows[3]!), 'odd: 5xx 10.0% of lines, peers 0.0% (high)');
  assert.equal(oddNote(rows[0]!), '');
  const only = sectionsOf(store, { ...DEFAULT_VIEW, odd: true, grouped: false });
  assert.deepEqual(only[0]!.rows.map((row: { host: string }) => row.host), ['web3', 'web4']);
  const first = sectionsOf(store, { ...DEFAULT_VIEW, sort: 'odd', grouped: false });
  assert.deepEqual(first[0]!.rows.map((row: { host: string }) => row.host), ['web3', 'web4', 'web1', 'web2']);
  // Garbage in the stream is no verdict.
  store.applyState(state(1, [host('web1', 100, { peer: 'odd' }), host('web2', 5, { peer: { odd: 'yes' } })]));
  assert.deepEqual([...store.rows.values()].map((row) => row.odd), [false, false]);
});

test('sort by change: the biggest change either way first, unknown last, ties by name, as in the terminal', () => {
  const changes: [string, number | null][] = [['up5', 5], ['web10', -5], ['web2', 5], ['down50', -50], ['flat', 0], ['new', null], ['up12', 12], ['alsonew', null]];
  const store = new FleetStore();
  store.applyState(state(1, changes.map(([name, change]) => host(name, 10, { change }))));
  for (const reverse of [false, true]) {
    const page = sectionsOf(store, { ...DEFAULT_VIEW, grouped: false, sort: 'change', reverse })[0].rows.map((r: { host: string }) => r.host);
    const rows = changes.map(([name, change]) => terminalRow({ host: name, group: 'nginx', rate: 10, change }));
    const terminal = selectRows(rows, { filter: '', sort: 'change', reverse, grouped: false })[0]!.rows.map((r) => r.host);
    assert.deepEqual(page, terminal, reverse ? 'reversed' : 'in order');
    if (!reverse) assert.deepEqual(page, ['down50', 'up12', 'up5', 'web2', 'web10', 'flat', 'alsonew', 'new']);
  }
});

test('after the stream closes, a refused token waits longer each time, never less than Retry-After, and says why', () => {
  const first = retryAfterClose(401, null, 0);
  assert.deepEqual(first, { waitMs: 5000, refused: true, message: 'token refused: reload with ?token=… · next try in 5s' });
  assert.equal(retryAfterClose(401, null, first.waitMs).waitMs, 10_000);
  assert.equal(retryAfterClose(401, null, 8 * 60_000).waitMs, 10 * 60_000, 'at most ten minutes');
  const throttled = retryAfterClose(429, '57', 5000);
  assert.equal(throttled.waitMs, 57_000);
  assert.equal(throttled.refused, true);
  assert.equal(retryAfterClose(429, 'soon', 5000).waitMs, 10_000, 'an unreadable Retry-After is ignored');
  assert.deepEqual(retryAfterClose(null, null, 0), { waitMs: 5000, refused: false, message: 'pvlook not reachable · next try in 5s' });
  assert.equal(retryAfterClose(404, null, 0).message, 'HTTP 404 · next try in 5s');
});
