/**
 * Per-host state transitions, without a sampler or a transport: what one probe
 * result, one failure, or a sample in flight does to a host's rows. The clock
 * and randomness are arguments, so every step is exact.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { HostPlan, Watch } from '../../src/config/config.js';
import { parseHostSpec } from '../../src/core/host-spec.js';
import type { LogProbe } from '../../src/core/probe-types.js';
import { totalOf } from '../../src/core/snapshot.js';
import { DEFAULT_TREND } from '../../src/core/trend.js';
import { HostError } from '../../src/errors.js';
import { applyFailure, applyProbe, initialState, rowsOf, type HostState } from '../../src/sampler/host-state.js';

const HISTORY = 10;
const watch = (log: string, extra: Partial<Watch> = {}): Watch => ({ group: 'g', log, patterns: [], ...extra });
const hostPlan = (...watches: Watch[]): HostPlan => ({ spec: parseHostSpec('web01'), session: 'shell', watches });
/** The host's answer: where the next count starts, and the new lines (null: no count, a new or rotated file). */
const ok = (fileId: string, offset: number, newLines: number | null): LogProbe =>
  newLines === null ? { kind: 'ok', fileId, offset, newLines, reason: 'first' } : { kind: 'ok', fileId, offset, newLines };

/** One good sample taken at `t` seconds (the host's clock and ours agree), answered 10 ms later. */
function probe(state: HostState, t: number, ...logs: LogProbe[]): void {
  applyProbe(state, { remoteTime: t, clock: 'wall', logs }, { sentAt: t - 0.005, receivedAt: t + 0.005 }, HISTORY);
}
/** Rows at `t` seconds, a sample in flight for a second or more making the host stale. */
const rows = (state: HostState, t: number) => rowsOf(state, t * 1000, DEFAULT_TREND, 1000);

test('a new host: one stale row per log, connecting, nothing known, never answered', () => {
  const state = initialState(hostPlan(watch('/a'), watch('/b')));
  assert.deepEqual(
    rows(state, 0).map((r) => [r.log, r.status, r.error, r.rate, r.age]),
    [['/a', 'stale', 'connecting', null, null], ['/b', 'stale', 'connecting', null, null]],
  );
});

test('first sample is a baseline, the second a rate with a trend; age counts from the last answer', () => {
  const state = initialState(hostPlan(watch('/a')));
  probe(state, 100, ok('1', 1000, null));
  assert.deepEqual(rows(state, 100.5).map((r) => [r.status, r.rate, r.age]), [['ok', null, 0.495]]);
  probe(state, 101, ok('1', 2000, 10));
  probe(state, 102, ok('1', 3000, 10));
  probe(state, 103, ok('1', 4000, 40));
  const [row] = rows(state, 103.005);
  assert.deepEqual([row?.rate, row?.lines, row?.trend, row?.change, row?.history], [40, 40, 'up', 30, [null, 10, 10, 40]]);
});

test('a failure shows on every row, forgets positions, backs off exponentially; a success clears it', () => {
  const state = initialState(hostPlan(watch('/a'), watch('/b')));
  probe(state, 100, ok('1', 0, null), ok('2', 0, null));
  probe(state, 101, ok('1', 10, 10), ok('2', 20, 20));
  applyFailure(state, new HostError('refused', 'connection refused by web01:22'), 102_000, 0, HISTORY);
  assert.deepEqual([state.failures, state.retryAt], [1, 102_500], 'half the first 1 s ceiling with random 0');
  assert.deepEqual(
    rows(state, 102).map((r) => [r.status, r.error, r.rate, r.history]),
    [['refused', 'connection refused by web01:22', null, [null, 10, null]], ['refused', 'connection refused by web01:22', null, [null, 20, null]]],
  );
  applyFailure(state, new HostError('refused', 'connection refused by web01:22'), 103_000, 1, HISTORY);
  assert.deepEqual([state.failures, state.retryAt], [2, 105_000], 'the ceiling doubles; random 1 takes all of it');
  // While a retry is in flight the failure stays on the rows, not "stale".
  state.busySince = 105_000;
  assert.equal(rows(state, 105.5)[0]?.status, 'refused');
  state.busySince = null;
  probe(state, 106, ok('1', 30, null), ok('2', 40, null));
  assert.deepEqual([state.failure, state.failures, state.retryAt], [null, 0, 0]);
  assert.deepEqual(rows(state, 106).map((r) => [r.status, r.rate]), [['ok', null], ['ok', null]], 'positions were forgotten: a baseline');
});

test('a sample still in flight shows the host stale, with how long it has waited', () => {
  const state = initialState(hostPlan(watch('/a')));
  probe(state, 100, ok('1', 0, null));
  state.busySince = 101_000;
  state.deadline = { queuedFor: null, wasQueued: false };
  const [row] = rows(state, 102.5);
  assert.deepEqual([row?.status, row?.error, row?.age], ['stale', 'waiting for an answer (1.5s)', 2.495]);
  // Waiting in one of pvlook's own queues says which, at once.
  state.deadline = { queuedFor: 'queued behind 3 handshakes to web01:22', wasQueued: true };
  assert.equal(rows(state, 101.1)[0]?.error, 'connecting: queued behind 3 handshakes to web01:22 (0.1s)');
  // Busy with no deadline yet: waiting for a --parallel slot, nothing sent.
  state.deadline = null;
  assert.equal(rows(state, 101.1)[0]?.error, 'connecting: queued behind --parallel (0.1s)');
});

test('a missing or unreadable log fails its own row only', () => {
  const state = initialState(hostPlan(watch('/a'), watch('/b'), watch('/c')));
  probe(state, 100, ok('1', 0, null), { kind: 'missing' }, { kind: 'unreadable' });
  assert.deepEqual(
    rows(state, 100).map((r) => [r.status, r.error]),
    [['ok', null], ['nolog', 'log file not found'], ['noperm', 'log file not readable; try --sudo']],
  );
  const asRoot = initialState({ ...hostPlan(watch('/a')), sudo: true });
  probe(asRoot, 100, { kind: 'unreadable' });
  assert.deepEqual(rows(asRoot, 100).map((r) => r.error), ['log file not readable']);
});

test('patterns: counts, rates and shares of the new lines', () => {
  const state = initialState(hostPlan(watch('/a', { patterns: [{ name: 'errors', regex: ' 5[0-9][0-9] ' }] })));
  probe(state, 100, ok('1', 0, null));
  probe(state, 102, { kind: 'ok', fileId: '1', offset: 100, newLines: 20, matches: [5] });
  assert.deepEqual(rows(state, 102)[0]?.patterns, [{ name: 'errors', lines: 5, rate: 2.5, share: 0.25, history: [null, 0.25] }], 'each share keeps a history for the peer comparison: none at the baseline, then 0.25');
});

test('one log of three rotating: its row reads unknown, the total keeps its last rate and says it carried one', () => {
  const state = initialState(hostPlan(watch('/1'), watch('/2'), watch('/3')));
  probe(state, 100, ok('1', 0, null), ok('2', 0, null), ok('3', 0, null));
  probe(state, 101, ok('1', 100, 100), ok('2', 100, 100), ok('3', 100, 100));
  assert.deepEqual(totalOf(rows(state, 101)), { rate: 300, ok: 3, stale: 0, failed: 0, carried: 0, odd: 0 });
  probe(state, 102, ok('1', 200, 100), ok('2', 200, 100), ok('3-rotated', 5, null));
  const rotated = rows(state, 102);
  assert.equal(rotated[2]?.rate, null);
  assert.deepEqual(totalOf(rotated), { rate: 300, ok: 3, stale: 0, failed: 0, carried: 1, odd: 0 });
  probe(state, 103, ok('1', 300, 100), ok('2', 300, 100), ok('3-rotated', 105, 100));
  assert.deepEqual(totalOf(rows(state, 103)), { rate: 300, ok: 3, stale: 0, failed: 0, carried: 0, odd: 0 });
});

test('a reconnect carries through the failed sample and the baseline after it; a longer outage drops out', () => {
  const state = initialState(hostPlan(watch('/a')));
  probe(state, 100, ok('1', 0, null));
  probe(state, 101, ok('1', 50, 50));
  applyFailure(state, new HostError('unreachable', 'web01 closed the connection'), 102_000, 0, HISTORY);
  assert.deepEqual(totalOf(rows(state, 102)), { rate: 50, ok: 0, stale: 0, failed: 1, carried: 1, odd: 0 });
  probe(state, 103, ok('1', 100, null));
  assert.deepEqual(totalOf(rows(state, 103)), { rate: 50, ok: 1, stale: 0, failed: 0, carried: 1, odd: 0 });
  // Failing again for long: after the carry window the log counts as failed and adds nothing.
  for (let t = 104; t <= 110; t++) applyFailure(state, new HostError('refused', 'connection refused'), t * 1000, 0, HISTORY);
  assert.deepEqual(totalOf(rows(state, 110)), { rate: null, ok: 0, stale: 0, failed: 1, carried: 0, odd: 0 });
});

test('--split: one row per file, each with its own history, so a rotated file is carried too', () => {
  const state = initialState(hostPlan(watch('/l/*.log', { split: true })));
  const files = (...entries: [string, LogProbe][]): LogProbe => ({ kind: 'files', files: entries.map(([path, p]) => ({ path, probe: p })) });
  probe(state, 100, files(['/l/x.log', ok('x', 0, null)], ['/l/y.log', ok('y', 0, null)]));
  probe(state, 101, files(['/l/x.log', ok('x', 10, 10)], ['/l/y.log', ok('y', 20, 20)]));
  assert.deepEqual(rows(state, 101).map((r) => [r.log, r.rate, r.history]), [['/l/x.log', 10, [null, 10]], ['/l/y.log', 20, [null, 20]]]);
  probe(state, 102, files(['/l/x.log', ok('x', 20, 10)], ['/l/y.log', ok('y2', 3, null)]));
  const split = rows(state, 102);
  assert.deepEqual(split.map((r) => [r.log, r.rate]), [['/l/x.log', 10], ['/l/y.log', null]]);
  assert.deepEqual(totalOf(split), { rate: 30, ok: 2, stale: 0, failed: 0, carried: 1, odd: 0 });
});

test('every line a rate counted is in the log\'s running count once, kept through a failure', () => {
  const state = initialState(hostPlan(watch('/a')));
  probe(state, 100, ok('1', 1000, null));
  assert.deepEqual(rows(state, 100).map((r) => r.counted), [{ lines: 0, matches: {} }], 'answered, nothing counted yet');
  probe(state, 101, ok('1', 2000, 10));
  probe(state, 102, ok('1', 3000, 15));
  // The same state shown twice is the same count.
  assert.deepEqual([rows(state, 102).map((r) => r.counted?.lines), rows(state, 102.5).map((r) => r.counted?.lines)], [[25], [25]]);
  applyFailure(state, new HostError('refused', 'connection refused by web01:22'), 103_000, 0, HISTORY);
  assert.equal(rows(state, 103)[0]?.counted, undefined, 'nothing is known while the host fails');
  probe(state, 104, ok('1', 3000, null));
  probe(state, 105, ok('1', 3500, 5));
  assert.equal(rows(state, 105)[0]?.counted?.lines, 30, 'it goes on from where it was');
});

test('a sample with no new lines has no pattern share: an idle host does not pull its peers\' median to 0 %', () => {
  const state = initialState(hostPlan(watch('/a', { patterns: [{ name: 'errors', regex: ' 5[0-9][0-9] ' }] })));
  probe(state, 100, ok('1', 0, null));
  probe(state, 101, { kind: 'ok', fileId: '1', offset: 100, newLines: 20, matches: [5] });
  probe(state, 102, { kind: 'ok', fileId: '1', offset: 100, newLines: 0, matches: [0] });
  assert.deepEqual(rows(state, 102)[0]?.patterns?.[0]?.history?.slice(-2), [0.25, null]);
});
