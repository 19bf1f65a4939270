import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CARRY_SAMPLES, CARRY_SECONDS, carriedRate } from '../../src/core/carry.js';
import { judgeFleet, statusLine } from '../../src/core/check.js';
import { totalOf } from '../../src/core/snapshot.js';
import { row } from '../helpers/rows.js';

test('a log unknown for one sample (rotation, new hour) carries its last rate', () => {
  assert.equal(carriedRate(row({ host: 'a', history: [90, 100, null], age: 0 })), 100);
});

test('a reconnect (a failed sample, then a baseline) and a brief failure carry too', () => {
  assert.equal(carriedRate(row({ host: 'a', history: [100, null, null], age: 0 })), 100);
  assert.equal(carriedRate(row({ host: 'a', status: 'refused', error: 'connection refused', history: [100, null], age: 1 })), 100);
});

test('a stale host carries while its sample is overdue, counted as one unknown sample', () => {
  assert.equal(carriedRate(row({ host: 'a', status: 'stale', history: [100], age: 2 })), 100);
  assert.equal(carriedRate(row({ host: 'a', status: 'stale', history: [100, ...Array<null>(CARRY_SAMPLES - 1).fill(null)], age: 2 })), 100);
  assert.equal(carriedRate(row({ host: 'a', status: 'stale', history: [100, ...Array<null>(CARRY_SAMPLES).fill(null)], age: 2 })), null);
});

test('a log unknown for longer drops out: too many samples, or a host silent too long', () => {
  assert.equal(carriedRate(row({ host: 'a', history: [100, ...Array<null>(CARRY_SAMPLES).fill(null)], age: 0 })), 100);
  assert.equal(carriedRate(row({ host: 'a', history: [100, ...Array<null>(CARRY_SAMPLES + 1).fill(null)], age: 0 })), null);
  assert.equal(carriedRate(row({ host: 'a', status: 'timeout', history: [100, null], age: CARRY_SECONDS + 0.1 })), null);
  assert.equal(carriedRate(row({ host: 'a', status: 'stale', history: [100], age: CARRY_SECONDS + 0.1 })), null);
});

test('nothing to carry: a rate of its own, or none ever known', () => {
  assert.equal(carriedRate(row({ host: 'a', rate: 5, history: [100, 5] })), null);
  assert.equal(carriedRate(row({ host: 'a', history: [null], age: 0 })), null);
  assert.equal(carriedRate(row({ host: 'a', history: [], age: null })), null);
});

test('one log of three rotating does not read as a drop from 300 to 200 lines/s; the total says it carried one', () => {
  const rows = [
    row({ host: 'a', log: '/l/1', rate: 100, history: [100, 100] }),
    row({ host: 'a', log: '/l/2', rate: 100, history: [100, 100] }),
    row({ host: 'a', log: '/l/3', history: [100, null], age: 0 }),
  ];
  assert.deepEqual(totalOf(rows), { rate: 300, ok: 3, stale: 0, failed: 0, carried: 1, odd: 0 });
});

test('at the turn of an hourly template the whole fleet carries, and keeps its total', () => {
  const rows = Array.from({ length: 40 }, (_, i) => row({ host: `web${i}`, history: [50, 50, null], age: 0.1 }));
  assert.deepEqual(totalOf(rows), { rate: 2000, ok: 40, stale: 0, failed: 0, carried: 40, odd: 0 });
});

test('a failed log is counted as failed whether or not it is still carried', () => {
  const failed = row({ host: 'b', status: 'refused', error: 'connection refused', history: [100, null], age: 1 });
  assert.deepEqual(totalOf([failed]), { rate: 100, ok: 0, stale: 0, failed: 1, carried: 1, odd: 0 });
  // Nothing left to count is an unknown total, not zero.
  assert.deepEqual(totalOf([{ ...failed, age: 60, history: [100, null, null, null, null] }]), { rate: null, ok: 0, stale: 0, failed: 1, carried: 0, odd: 0 });
});

test('pvlook check judges the same honest total, and says what it carried', () => {
  const rows = [row({ host: 'a', rate: 100, history: [100, 100] }), row({ host: 'b', rate: 100, history: [100, 100] }), row({ host: 'c', history: [100, null], age: 0 })];
  const result = judgeFleet(rows, () => ({}));
  assert.equal(result.total, 300);
  assert.equal(result.carried, 1);
  assert.match(statusLine(result), /3 logs, 300 lines\/s in total \(1 carried\)/);
  assert.match(statusLine(result), /'total'=300;;;0;$/);
});
