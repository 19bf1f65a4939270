import { test } from 'node:test';
import assert from 'node:assert/strict';
import { advance, EMPTY_MEMORY, forget, probeRequestFor } from '../../src/core/log-tracker.js';

const ok = (inode: string, size: number, newLines: number | null) => ({ kind: 'ok' as const, inode, size, newLines });

test('rate is new lines over the time between the two readings', () => {
  const first = advance(EMPTY_MEMORY, ok('7', 1000, null), 100, 11);
  assert.deepEqual(first.outcome, { kind: 'baseline', reason: 'first' });
  assert.deepEqual(probeRequestFor('/l', first.memory), { path: '/l', previous: { inode: '7', offset: 1000 } });
  const second = advance(first.memory, ok('7', 5000, 50), 102, 11);
  assert.deepEqual(second.outcome, { kind: 'rate', rate: 25, lines: 50, seconds: 2 });
  assert.deepEqual(second.memory.history, [25]);
});

test('rotation and truncation start a new baseline instead of a negative or inflated rate', () => {
  const base = advance(EMPTY_MEMORY, ok('7', 1000, null), 100, 11).memory;
  assert.deepEqual(advance(base, ok('8', 50_000, null), 101, 11).outcome, { kind: 'baseline', reason: 'rotated' });
  assert.deepEqual(advance(base, ok('7', 10, null), 101, 11).outcome, { kind: 'baseline', reason: 'truncated' });
  const afterRotation = advance(base, ok('8', 200, null), 101, 11).memory;
  assert.deepEqual(probeRequestFor('/l', afterRotation).previous, { inode: '8', offset: 200 });
});

test('a clock that went backwards gives no rate', () => {
  const base = advance(EMPTY_MEMORY, ok('7', 1000, null), 100, 11).memory;
  assert.deepEqual(advance(base, ok('7', 2000, 10), 99, 11).outcome, { kind: 'baseline', reason: 'clock' });
});

test('a missing log or a failed sample leaves a gap in the history, not a zero', () => {
  let memory = advance(EMPTY_MEMORY, ok('7', 0, null), 0, 3).memory;
  memory = advance(memory, ok('7', 10, 10), 1, 3).memory;
  const missing = advance(memory, { kind: 'missing' }, 2, 3);
  assert.deepEqual(missing.outcome, { kind: 'missing' });
  assert.deepEqual(missing.memory, { last: null, history: [10, null] });
  assert.deepEqual(forget(missing.memory, 3), { last: null, history: [10, null, null] });
  assert.deepEqual(forget(forget(missing.memory, 3), 3).history, [null, null, null]);
});
