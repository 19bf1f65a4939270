import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DEFAULT_PEER_OPTIONS } from '../../src/core/peer-compare.js';
import { withPeers } from '../../src/core/peers.js';
import { DEFAULT_TREND } from '../../src/core/trend.js';
import type { Row } from '../../src/core/snapshot.js';
import { toJson } from '../../src/render/json.js';
import { renderFrame } from '../../src/render/live-frame.js';
import { selectRows } from '../../src/render/select-rows.js';
import { makeStyle } from '../../src/render/style.js';
import { renderTable } from '../../src/render/table.js';
import { INITIAL_VIEW, onKey, type ViewState } from '../../src/render/view-state.js';
import { row, snapshotOf } from '../helpers/rows.js';

const plain = makeStyle(false);

/** A pool of five at 100 lines/s with web5 at 20, and a pair: what the core makes of it. */
function rows(): Row[] {
  const at = (host: string, group: string, rate: number) => row({ host, group, rate, trend: 'flat', history: [rate, rate, rate] });
  return withPeers([at('web1', 'web', 100), at('web2', 'web', 101), at('web3', 'web', 99), at('web4', 'web', 100), at('web5', 'web', 20), at('db1', 'db', 50), at('db2', 'db', 5)], () => DEFAULT_PEER_OPTIONS);
}
const frame = (view: Partial<ViewState>, width = 120, height = 30) =>
  renderFrame({ snapshot: snapshotOf(rows()), totals: [1, 2], view: { ...INITIAL_VIEW, ...view }, size: { width, height }, style: plain, trend: DEFAULT_TREND }).text;

test('the detailed view: a peers column with the ratio, the odd one marked ! and its side, the header counting it', () => {
  const text = frame({});
  assert.match(text, /7 ok {2}0 stale {2}0 failed {2}! 1 odd/);
  assert.match(text, /^web5 .* 20\.0 {2}! 0\.20× low /m);
  assert.match(text, /^web1 .* 100 {2}1\.00× /m);
  assert.match(text, /^db1 .* 50\.0 {2}— /m, 'a pair has no ratio');
});

test('the grid marks an odd cell between its name and its rate, and no cell gets wider for it', () => {
  const text = frame({}, 60, 6);
  assert.match(text, /web5! 20\.0/);
  assert.match(text, /web1 {3}100/);
  // Columns stay evenly spaced with the mark in one of them.
  const line = text.split('\n').find((l) => l.startsWith('web1'))!;
  assert.equal(line.indexOf('web5!') - line.indexOf('web3'), line.indexOf('web3') - line.indexOf('web1'));
});

test('o puts odd logs first whatever the sort; O shows only them and says so when there are none', () => {
  const sorted = selectRows(rows(), { ...INITIAL_VIEW, grouped: false, sort: 'rate', oddFirst: true })[0]!.rows.map((r) => r.host);
  assert.equal(sorted[0], 'web5');
  assert.deepEqual(onKey(INITIAL_VIEW, 'o').state.oddFirst, true);
  assert.deepEqual(onKey(INITIAL_VIEW, 'O').state.oddOnly, true);
  const only = selectRows(rows(), { ...INITIAL_VIEW, oddOnly: true });
  assert.deepEqual(only.flatMap((s) => s.rows.map((r) => r.host)), ['web5']);
  assert.match(frame({ oddOnly: true }), /odd only/);
  const calm = renderFrame({ snapshot: snapshotOf(withPeers([row({ host: 'a', rate: 1, history: [1, 1, 1] })], () => DEFAULT_PEER_OPTIONS)), totals: [], view: { ...INITIAL_VIEW, oddOnly: true }, size: { width: 100, height: 10 }, style: plain, trend: DEFAULT_TREND }).text;
  assert.match(calm, /no log is odd among its peers \(O shows every log\)/);
});

test('the table: a peers column and the odd count; JSON: peer per log and total.odd', () => {
  const snapshot = snapshotOf(rows());
  const table = renderTable(snapshot, plain);
  assert.match(table, /│ peers +│/);
  assert.match(table, /web5 .*│ ! 0\.20× low +│/);
  assert.match(table, /! 1 odd/);
  const json = toJson(snapshot);
  assert.equal(json.total.odd, 1);
  assert.deepEqual(json.hosts.find((h) => h.host === 'web5')?.peer, { ratio: 0.2, median: 100, odd: true, side: 'low', peers: 5, reason: "below 0.5× its peers' median for 3 samples in a row" });
  assert.deepEqual(json.hosts.find((h) => h.host === 'db1')?.peer, { ratio: null, median: null, odd: false, side: null, peers: 2, reason: '2 logs of the group with a rate now; a comparison needs 3' });
});

test('a group with peers off: no column, no peer field', () => {
  const off = withPeers([row({ host: 'a', rate: 1 })], () => null);
  assert.doesNotMatch(renderTable(snapshotOf(off), plain), /peers/);
  assert.equal(toJson(snapshotOf(off)).hosts[0]!.peer, undefined);
});
