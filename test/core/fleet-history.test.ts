/**
 * The web view's history: every log's rates tick by tick in fixed rings, a
 * tick without a rate a gap (never 0), logs that left forgotten.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FleetHistory, historySlots, rowKey } from '../../src/core/fleet-history.js';
import { row, snapshotOf } from '../helpers/rows.js';

test('ten minutes of ticks by default, never fewer than two slots nor more than an hour of one-second ticks', () => {
  assert.equal(historySlots(1000), 600);
  assert.equal(historySlots(2000), 300);
  assert.equal(historySlots(10), 3600);
  assert.equal(historySlots(3_600_000), 2);
});

test('each log keeps its rates and its patterns\' rates tick by tick; the ring wraps; a gap stays a gap', () => {
  const history = new FleetHistory(3);
  const tick = (time: number, a: number | null, b: number | null) =>
    history.record(snapshotOf([row({ host: 'a', rate: a, patterns: a === null ? null : [{ name: '5xx', lines: 1, rate: a / 10, share: 0.1 }] }), row({ host: 'b', rate: b })], time));
  tick(1000, 10, 1);
  tick(2000, null, 2);
  assert.equal(history.length, 2);
  assert.deepEqual(history.logOf(rowKey({ host: 'a', group: 'default', log: '/var/log/a.log' })), { rates: [10, null], patterns: { '5xx': [1, null] } });
  tick(3000, 30, 3);
  tick(4000, 40.123456, 4);
  const a = history.logOf(rowKey({ host: 'a', group: 'default', log: '/var/log/a.log' }))!;
  assert.deepEqual(a.rates, [null, 30, 40.123], 'the oldest tick is gone; rates rounded as they leave pvlook');
  assert.deepEqual(history.timesOf(), [2000, 3000, 4000]);
  assert.deepEqual(history.totalOf(2), [33, 44.123]);
  assert.deepEqual(history.logOf(rowKey({ host: 'b', group: 'default', log: '/var/log/a.log' }), 2)?.rates, [3, 4]);
  // A log that leaves the fleet is forgotten.
  history.record(snapshotOf([row({ host: 'a', rate: 5 })], 5000));
  assert.equal(history.logOf(rowKey({ host: 'b', group: 'default', log: '/var/log/a.log' })), null);
});
