/**
 * The page's own logic, run in Node: formatting, the history the page keeps
 * from successive snapshots, and the view's filter, sort and sections.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cellParts, cellText, formatAge, formatRate, formatShare, oddNote, sparkline } from '../../src/web/page/format.js';
import { FleetStore } from '../../src/web/page/fleet-store.js';
import { hashOf, sectionsOf, viewFromHash, DEFAULT_VIEW } from '../../src/web/page/view-state.js';

const at = (second: number) => new Date(Date.UTC(2026, 10, 25, 8, 0, second)).toISOString();
const host = (name: string, rate: number | null, extra: Record<string, unknown> = {}) => ({
  host: name,
  group: 'nginx',
  log: '/var/log/nginx/access.log',
  rate,
  lines: rate === null ? null : Math.round(rate),
  trend: rate === null ? null : 'flat',
  status: rate === null ? 'refused' : 'ok',
  error: rate === null ? 'connection refused by 192.0.2.1:22' : null,
  ...extra,
});
const snapshot = (second: number, hosts: ReturnType<typeof host>[]) => ({ time: at(second), interval: 1, hosts, total: { rate: hosts.reduce((sum, h) => sum + (h.rate ?? 0), 0), ok: 0, stale: 0, failed: 0 } });

test('rates, shares and ages read the way the terminal view writes them', () => {
  assert.deepEqual([0, 0.5, 16.14, 524.4, 12_345, 250_000].map(formatRate), ['0.00', '0.50', '16.1', '524', '12.3k', '250k']);
  assert.equal(formatRate(null), '—');
  // The same rule as the terminal's (render/style.ts): the band after rounding.
  assert.deepEqual([99.96, 9.996].map(formatRate), ['100', '10.0']);
  assert.deepEqual([0.0123, 0.25].map(formatShare), ['1.2%', '25%']);
  assert.deepEqual([3, 600, 7200].map(formatAge), ['3s', '10m', '2h']);
});

test('a sparkline leaves a failed sample blank, and all zeros sit at the bottom', () => {
  assert.equal(sparkline([10, 20, NaN, 40]).length, 4);
  assert.equal(sparkline([10, 20, NaN, 40])[2], ' ');
  assert.equal(sparkline([10, 20, NaN, 40])[3], '█');
  assert.equal(sparkline([0, 0, 0]), '▁▁▁');
});

test('a cell reads without colour: ✗ and the reason when failed, … and the age when stale', () => {
  const failed = cellParts({ status: 'refused', rate: null, trend: null, patterns: null }, [], 12);
  assert.equal(cellText('web014', 6, failed), 'web014 ✗ refused 12s');
  const stale = cellParts({ status: 'stale', rate: null, trend: null, patterns: null }, [1, 2], 3);
  assert.match(cellText('web001', 6, stale), /^web001 +… +▅█ +3s$/);
  const ok = cellParts({ status: 'ok', rate: 16.14, trend: 'up', patterns: { '5xx': { lines: 1, rate: 1, share: 0.0123 } } }, [1, 2], 0);
  assert.match(cellText('a-very-long-host-name', 8, ok), /^a-very-… +16\.1 ▲ ▅█ +1\.2%$/);
});

test('the store keeps each log\'s history, its last answer and its last error across snapshots', () => {
  const store = new FleetStore(5);
  assert.equal(store.apply(snapshot(0, [host('web1', 10), host('web2', 20)])), true);
  assert.equal(store.apply(snapshot(1, [host('web1', 11), host('web2', 21)])), false);
  store.apply(snapshot(2, [host('web1', 12), host('web2', null)]));
  store.apply(snapshot(5, [host('web1', 13), host('web2', null, { status: 'stale', error: null })]));
  const web2 = [...store.rows.values()].find((row) => row.host === 'web2')!;
  assert.deepEqual(store.recent(web2.rates, 4).map((v: number) => (Number.isNaN(v) ? null : v)), [20, 21, null, null]);
  assert.equal(store.age(web2), 4);
  assert.equal(web2.lastError?.text, 'connection refused by 192.0.2.1:22');
  // A host that leaves the fleet leaves the store; the ring wraps without mixing hosts up.
  assert.equal(store.apply(snapshot(6, [host('web1', 14)])), true);
  store.apply(snapshot(7, [host('web1', 15)]));
  const web1 = [...store.rows.values()][0]!;
  assert.deepEqual(store.recent(web1.rates, 10), [11, 12, 13, 14, 15]);
});

test('malformed events and extra fields do not break the store', () => {
  const store = new FleetStore();
  assert.equal(store.apply(null), false);
  assert.equal(store.apply({ hosts: 'no' }), false);
  store.apply({ time: at(0), hosts: [{ host: 'web1', rate: 5, status: 'ok', newField: { x: 1 } }, { nothost: true }, 7], total: { rate: 5, carried: 3 } });
  assert.equal(store.rows.size, 1);
  assert.equal(store.total.rate, 5);
});

test('sections: grouped with subtotals and pattern shares, filtered, problems only, sorted', () => {
  const store = new FleetStore();
  const patterns = (lines: number) => ({ patterns: { '5xx': { lines, rate: lines, share: lines / 100 } } });
  store.apply(snapshot(0, [host('web10', 100, patterns(2)), host('web2', 100, patterns(6)), { ...host('api1', 50), group: 'api' }, host('web3', null)]));
  const sections = sectionsOf(store, DEFAULT_VIEW);
  assert.deepEqual(sections.map((s: { name: string }) => s.name), ['nginx', 'api']);
  const nginx = sections[0]!;
  assert.deepEqual(nginx.rows.map((r: { host: string }) => r.host), ['web2', 'web3', 'web10']);
  assert.equal(nginx.rate, 200);
  assert.equal(nginx.failed, 1);
  assert.deepEqual(nginx.shares, [{ name: '5xx', share: 0.04 }]);
  const problems = sectionsOf(store, { ...DEFAULT_VIEW, problems: true });
  assert.deepEqual(problems.flatMap((s: { rows: { host: string }[] }) => s.rows.map((r) => r.host)), ['web3']);
  const filtered = sectionsOf(store, { ...DEFAULT_VIEW, filter: 'API', grouped: false, sort: 'rate' });
  assert.deepEqual(filtered.map((s: { name: string; rows: unknown[] }) => [s.name, s.rows.length]), [['all', 1]]);
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
  store.apply(
    snapshot(0, [
      host('web1', 100, { peer: peer(false, 1, null) }),
      host('web2', 5, { peer: peer(false, 0.05, null) }),
      host('web3', 100, { peer: peer(true, 1, 'low') }),
      host('web4', 100, { peer: peer(false, 1, null), patterns: { '5xx': { lines: 10, rate: 10, share: 0.1, peer: { ratio: null, median: 0, odd: true, side: 'high', peers: 4, reason: 'x' } } } }),
    ]),
  );
  const rows = [...store.rows.values()];
  assert.deepEqual(rows.map((row) => row.odd), [false, false, true, true]);
  assert.equal(oddNote(rows[2]!), "odd: rate 1.00× peers' median (low)");
  assert.equal(oddNote(rows[3]!), 'odd: 5xx 10% of lines, peers 0.0% (high)');
  assert.equal(oddNote(rows[0]!), '');
  const only = sectionsOf(store, { ...DEFAULT_VIEW, odd: true, grouped: false });
  assert.deepEqual(only[0]!.rows.map((row: { host: string }) => row.host), ['web3', 'web4']);
  const first = sectionsOf(store, { ...DEFAULT_VIEW, sort: 'odd', grouped: false });
  assert.deepEqual(first[0]!.rows.map((row: { host: string }) => row.host), ['web3', 'web4', 'web1', 'web2']);
  // Garbage in the stream is no verdict.
  store.apply(snapshot(1, [host('web1', 100, { peer: 'odd' }), host('web2', 5, { peer: { odd: 'yes' } })]));
  assert.deepEqual([...store.rows.values()].map((row) => row.odd), [false, false]);
});
