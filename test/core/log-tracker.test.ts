import { test } from 'node:test';
import assert from 'node:assert/strict';
import { advance, EMPTY_MEMORY, forget, probeRequestFor } from '../../src/core/log-tracker.js';

import type { BaselineReason, LogProbe } from '../../src/core/probe-types.js';

/** What the host's shell answers: where the next count starts, and the new lines or why there is no count. */
const ok = (fileId: string, offset: number, newLines: number | null, reason: BaselineReason = 'first'): LogProbe =>
  newLines === null ? { kind: 'ok', fileId, offset, newLines, reason } : { kind: 'ok', fileId, offset, newLines };
/** A reading whose remote time is t, sent and answered within 10 ms either side on a clock 1000 s behind. */
const at = (t: number) => ({ remote: t, sentAt: t - 1000 - 0.01, receivedAt: t - 1000 + 0.01 });

test('rate is new lines over the time between the two readings', () => {
  const first = advance(EMPTY_MEMORY, ok('7', 1000, null), at(100), 11);
  assert.deepEqual(first.outcome, { kind: 'baseline', reason: 'first' });
  assert.deepEqual(probeRequestFor('/l', first.memory), { path: '/l', previous: { fileId: '7', offset: 1000 } });
  const second = advance(first.memory, ok('7', 5000, 50), at(102), 11);
  assert.deepEqual(second.outcome, { kind: 'rate', rate: 25, lines: 50, seconds: 2 });
  assert.deepEqual(second.memory.history, [null, 25], 'the first reading had no rate: a gap, then the rate');
});

test('rotation and truncation, as the host reports them, start a new baseline instead of a negative or inflated rate', () => {
  const base = advance(EMPTY_MEMORY, ok('7', 1000, null), at(100), 11).memory;
  assert.deepEqual(advance(base, ok('8', 50_000, null, 'rotated'), at(101), 11).outcome, { kind: 'baseline', reason: 'rotated' });
  assert.deepEqual(advance(base, ok('7', 10, null, 'truncated'), at(101), 11).outcome, { kind: 'baseline', reason: 'truncated' });
  // A count for another file than ours is never used.
  assert.deepEqual(advance(base, ok('9', 1010, 10), at(101), 11).outcome, { kind: 'baseline', reason: 'rotated' });
  const afterRotation = advance(base, ok('8', 200, null, 'rotated'), at(101), 11).memory;
  assert.deepEqual(probeRequestFor('/l', afterRotation).previous, { fileId: '8', offset: 200 });
});

test('a count without a previous reading of ours is a baseline: a rate needs two readings', () => {
  assert.deepEqual(advance(EMPTY_MEMORY, ok('7', 1000, 25), at(100), 11).outcome, { kind: 'baseline', reason: 'first' });
});

test('readings of different clocks are not compared: the local times give the interval', () => {
  const first = advance(EMPTY_MEMORY, ok('7', 0, null), { remote: 500, clock: 'up', sentAt: 10, receivedAt: 10.2 }, 11).memory;
  const second = advance(first, ok('7', 100, 40), { remote: 1_764_000_000, clock: 'wall', sentAt: 14, receivedAt: 14.2 }, 11);
  assert.deepEqual(second.outcome, { kind: 'rate', rate: 10, lines: 40, seconds: 4 });
});

test('a remote clock that jumped gives no rate; a wrong but steady one is fine', () => {
  const base = advance(EMPTY_MEMORY, ok('7', 1000, null), at(100), 11).memory;
  // Sent and answered 2 s after the first reading locally, but the host's clock moved 1 h.
  const jumped = { remote: 3700, sentAt: -898, receivedAt: -897.98 };
  assert.deepEqual(advance(base, ok('7', 2000, 10), jumped, 11).outcome, { kind: 'baseline', reason: 'clock' });
  const backwards = { remote: 99, sentAt: -898, receivedAt: -897.98 };
  assert.deepEqual(advance(base, ok('7', 2000, 10), backwards, 11).outcome, { kind: 'baseline', reason: 'clock' });
  assert.deepEqual(advance(base, ok('7', 2000, 10), at(102), 11).outcome, { kind: 'rate', rate: 5, lines: 10, seconds: 2 });
});

test('without a remote clock the local send/receive midpoints give the interval', () => {
  const first = advance(EMPTY_MEMORY, ok('7', 0, null), { remote: null, sentAt: 10, receivedAt: 10.2 }, 11).memory;
  const second = advance(first, ok('7', 100, 40), { remote: null, sentAt: 14, receivedAt: 14.2 }, 11);
  assert.deepEqual(second.outcome, { kind: 'rate', rate: 10, lines: 40, seconds: 4 });
});

test('a missing log or a failed sample leaves a gap in the history, not a zero', () => {
  let memory = advance(EMPTY_MEMORY, ok('7', 0, null), at(0), 3).memory;
  memory = advance(memory, ok('7', 10, 10), at(1), 3).memory;
  const missing = advance(memory, { kind: 'missing' }, at(2), 3);
  assert.deepEqual(missing.outcome, { kind: 'missing' });
  assert.deepEqual(missing.memory, { last: null, history: [null, 10, null] });
  assert.deepEqual(forget(missing.memory, 3), { last: null, history: [10, null, null] });
  assert.deepEqual(forget(forget(missing.memory, 3), 3).history, [null, null, null]);
});

test('with pattern counts, the next sample starts where the host says (after the last whole line)', () => {
  const base = advance(EMPTY_MEMORY, ok('7', 100, null), at(100), 11).memory;
  const counted = advance(base, { kind: 'ok', fileId: '7', offset: 150, newLines: 2, matches: [1] }, at(101), 11);
  assert.deepEqual(counted.outcome, { kind: 'rate', rate: 2, lines: 2, seconds: 1, matches: [1] });
  assert.equal(counted.memory.last?.offset, 150);
});

test('a glob sums its files, and is unknown for a sample in which any file is new', () => {
  const file = (path: string, size: number, newLines: number | null) => ({ path, probe: ok(path, size, newLines) });
  let memory = advance(EMPTY_MEMORY, { kind: 'files', files: [file('a', 10, null), file('b', 20, null)] }, at(100), 11).memory;
  assert.deepEqual(probeRequestFor('*.log', memory).files, [
    { path: 'a', fileId: 'a', offset: 10 },
    { path: 'b', fileId: 'b', offset: 20 },
  ]);
  const summed = advance(memory, { kind: 'files', files: [file('a', 30, 4), file('b', 40, 6)] }, at(102), 11);
  assert.equal(summed.outcome.kind === 'rate' && summed.outcome.rate, 5);
  assert.equal(summed.outcome.kind === 'rate' && summed.outcome.lines, 10);
  memory = summed.memory;
  const grown = advance(memory, { kind: 'files', files: [file('a', 50, 4), file('b', 60, 6), file('c', 5, null)] }, at(103), 11);
  assert.equal(grown.outcome.kind, 'baseline', 'a new file this sample: the sum would be short, so it is unknown');
  const again = advance(grown.memory, { kind: 'files', files: [file('a', 51, 1), file('b', 61, 1), file('c', 6, 1)] }, at(104), 11);
  assert.equal(again.outcome.kind === 'rate' && again.outcome.rate, 3);
});

test('every sample without a rate is a gap: baselines too, so the history tells how long a log has been unknown', () => {
  let memory = advance(EMPTY_MEMORY, ok('7', 0, null), at(0), 5).memory;
  memory = advance(memory, ok('7', 10, 10), at(1), 5).memory;
  const rotated = advance(memory, ok('8', 5, null, 'rotated'), at(2), 5);
  assert.deepEqual(rotated.outcome, { kind: 'baseline', reason: 'rotated' });
  assert.deepEqual(rotated.memory.history, [null, 10, null]);
  assert.deepEqual(advance(rotated.memory, ok('8', 25, 20), at(3), 5).memory.history, [null, 10, null, 20]);
});

test("a glob keeps each file's recent rates, with gaps, and forgets files no longer matched", () => {
  const file = (path: string, fileId: string, offset: number, newLines: number | null) => ({ path, probe: ok(fileId, offset, newLines, 'rotated') });
  let memory = advance(EMPTY_MEMORY, { kind: 'files', files: [file('a', 'a', 10, null), file('b', 'b', 20, null)] }, at(100), 5).memory;
  memory = advance(memory, { kind: 'files', files: [file('a', 'a', 30, 4), file('b', 'b', 40, 6)] }, at(101), 5).memory;
  // b rotates: its own history gets a gap, a's goes on.
  memory = advance(memory, { kind: 'files', files: [file('a', 'a', 50, 2), file('b', 'b2', 5, null)] }, at(102), 5).memory;
  assert.deepEqual(memory.fileHistories, { a: [null, 4, 2], b: [null, 6, null] });
  assert.deepEqual(forget(memory, 5).fileHistories, { a: [null, 4, 2, null], b: [null, 6, null, null] });
  memory = advance(memory, { kind: 'files', files: [file('a', 'a', 51, 1)] }, at(103), 5).memory;
  assert.deepEqual(memory.fileHistories, { a: [null, 4, 2, 1] });
});

/** A reading on the host's uptime clock. */
const up = (t: number) => ({ ...at(t), clock: 'up' as const, resolution: 0.01 });
const switched = (fileId: string, offset: number, newLines: number): LogProbe => ({ kind: 'ok', fileId, offset, newLines, switched: true });

test('a count the host made across a rotation (old file drained, new one from its start) is a rate, and the next request says when the reading was', () => {
  const first = advance(EMPTY_MEMORY, ok('7:1.5', 1000, null), up(100), 11);
  assert.deepEqual(probeRequestFor('/l', first.memory).since, { clock: 'up', seconds: 100 });
  const across = advance(first.memory, switched('8:101.2', 300, 40), up(102), 11);
  assert.deepEqual(across.outcome, { kind: 'rate', rate: 20, lines: 40, seconds: 2 });
  assert.deepEqual(probeRequestFor('/l', across.memory).previous, { fileId: '8:101.2', offset: 300 });
  // Without a previous reading of ours there is nothing to count from, switched or not.
  assert.deepEqual(advance(EMPTY_MEMORY, switched('8', 300, 40), up(102), 11).outcome, { kind: 'baseline', reason: 'first' });
  // No remote clock, no time to send: the host then cannot prove a file new.
  assert.equal(probeRequestFor('/l', advance(EMPTY_MEMORY, ok('7', 1, null), at(100), 11).memory).since, undefined);
});

test('a glob: a file renamed within it goes on from its reading under the old name, a provably new one counts from its start', () => {
  const file = (path: string, probe: LogProbe) => ({ path, probe });
  let memory = advance(EMPTY_MEMORY, { kind: 'files', files: [file('app.log', ok('1', 100, null))] }, up(100), 5).memory;
  assert.deepEqual(probeRequestFor('app.log*', memory).since, { clock: 'up', seconds: 100 });
  // app.log became app.log.1 (the host found it by identity and went on from offset 100); a new app.log was born.
  const rotated = advance(memory, { kind: 'files', files: [file('app.log', switched('2', 60, 6)), file('app.log.1', ok('1', 140, 4))] }, up(101), 5);
  assert.deepEqual(rotated.outcome.kind === 'rate' && [rotated.outcome.rate, rotated.outcome.lines], [10, 10]);
  memory = rotated.memory;
  // app.log.1 is deleted with lines nobody read: the sum of what is left would be too small.
  const gone = advance(memory, { kind: 'files', files: [file('app.log', ok('2', 80, 2))] }, up(102), 5);
  assert.deepEqual(gone.outcome.kind, 'baseline');
  assert.deepEqual(gone.memory.fileHistories?.['app.log'], [null, 6, 2], 'the file still there has its own rate');
});
