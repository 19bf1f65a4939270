/**
 * The web view's history: every log's rates tick by tick in fixed rings, a
 * tick without a rate a gap (never 0), exactly the `--json` rates, logs
 * that left kept with gaps for the span and forgotten after it.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FleetHistory, historySlots, rowKey } from '../../src/core/fleet-history.js';
import { row, snapshotOf } from '../helpers/rows.js';
import { roundRate } from '../../src/core/snapshot.js';

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
  // A log absent from a snapshot keeps its rates, with gaps, until it would hold nothing but gaps (three ticks here).
  const b = rowKey({ host: 'b', group: 'default', log: '/var/log/a.log' });
  history.record(snapshotOf([row({ host: 'a', rate: 5 })], 5000));
  assert.deepEqual(history.logOf(b)?.rates, [3, 4, null]);
  history.record(snapshotOf([row({ host: 'a', rate: 5 })], 6000));
  assert.deepEqual(history.logOf(b)?.rates, [4, null, null]);
  history.record(snapshotOf([row({ host: 'a', rate: 5 })], 7000));
  assert.equal(history.logOf(b), null);
});

test('every rate read back is exactly the --json rate of its tick, however many digits it had', () => {
  const history = new FleetHistory(1000);
  const given: number[] = [];
  let seed = 11;
  for (let tick = 0; tick < 1000; tick++) {
    seed = (seed * 1103515245 + 12345) % 2 ** 31;
    const rate = [(seed / 2 ** 31) * 5000, seed / 1e3, 0.0005 * (tick % 7), 123456.789 + tick / 7][tick % 4]!;
    given.push(rate);
    history.record(snapshotOf([row({ host: 'a', rate, patterns: [{ name: '5xx', lines: 1, rate: rate / 3, share: 0.1 }] })], tick * 1000));
  }
  const held = history.logOf(rowKey({ host: 'a', group: 'default', log: '/var/log/a.log' }))!;
  assert.deepEqual(held.rates, given.map(roundRate));
  assert.deepEqual(held.patterns['5xx'], given.map((rate) => roundRate(rate / 3)));
  assert.deepEqual(history.totalOf(), given.map(roundRate));
});

test('a rate too large for thousandths in an Int32 is still held exactly, and gaps stay gaps', () => {
  const history = new FleetHistory(3);
  const key = rowKey({ host: 'a', group: 'default', log: '/var/log/a.log' });
  history.record(snapshotOf([row({ host: 'a', rate: 1.5 })], 1000));
  history.record(snapshotOf([row({ host: 'a', rate: null })], 2000));
  history.record(snapshotOf([row({ host: 'a', rate: 3_000_000.123 })], 3000));
  assert.deepEqual(history.logOf(key)?.rates, [1.5, null, 3_000_000.123]);
});
