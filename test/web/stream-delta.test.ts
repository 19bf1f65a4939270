/**
 * The stream's two ends agree: a page's store fed one state and then every
 * tick's changes holds exactly what a store fed each tick's whole state
 * holds, through hosts failing and recovering, patterns and peer verdicts
 * (a log's and a pattern's) coming, going, reordering and changing a field
 * at a time. And a tick sends only what changed inside a peer verdict.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { StreamEncoder } from '../../src/web/stream-encoder.js';
import { FleetStore } from '../../src/web/page/fleet-store.js';
import { groupTotalsOf, totalOf, type PatternCount, type Row, type Snapshot } from '../../src/core/snapshot.js';

/** A fixed-seed generator, so a failure is reproducible. */
function random(seed: number): () => number {
  return () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
}

function fuzzedSnapshot(tick: number, next: () => number): Snapshot {
  const pick = <T>(values: readonly T[]): T => values[Math.floor(next() * values.length)]!;
  const peer = (ratio: number | null) => ({ ratio, median: pick([5, 5, 5, 0.1]), odd: pick([null, null, 'low', 'high'] as const), peers: 3, reason: pick([null, 'few']) });
  const rows = Array.from({ length: 6 }, (_, index): Row => {
    const status = pick(['ok', 'ok', 'ok', 'stale', 'refused'] as const);
    const rate = status === 'ok' ? pick([null, 0, 1.5, 12.345, 99.96]) : null;
    const withPeer = next() < 0.6;
    const patterns: PatternCount[] = [
      { name: 'e5xx', lines: 1, rate: pick([0, 1]), share: pick([0, 0.1]), ...(withPeer && next() < 0.5 ? { peer: peer(pick([null, 0.1, 2])) } : {}) },
      ...(next() < 0.5 ? [{ name: 'slow', lines: 2, rate: 2, share: pick([0.2, 0.3]) }] : []),
    ];
    if (next() < 0.2) patterns.reverse();
    return {
      host: `h${index}`,
      group: index % 2 ? 'a' : 'b',
      log: '/l',
      rate,
      lines: rate === null ? null : Math.round(rate),
      trend: rate === null ? null : pick(['up', 'down', 'flat', null] as const),
      change: rate === null ? null : pick([null, 0, -1.5]),
      history: [],
      age: pick([null, 0.2, 3]),
      patterns: next() < 0.6 ? patterns : null,
      status,
      error: status === 'refused' ? pick(['boom', 'bang']) : null,
      ...(withPeer ? { peer: peer(pick([1, 0.2, null])) } : {}),
    } as Row;
  });
  return { time: 1e12 + tick * 1000, intervalMs: 1000, tick, roundMs: 1, rows, total: { ...totalOf(rows), trend: pick(['up', null] as const) }, groups: groupTotalsOf(rows) };
}

/** What the page shows from its store (the last error and name rank are the page's own, not pvlook's numbers). */
function view(store: FleetStore): string {
  return JSON.stringify({
    rows: [...store.rows.values()].map((row) => ({ ...row, lastError: undefined, rank: undefined })),
    total: store.total,
    groups: [...store.groups],
    tick: store.tick,
    totals: store.totals.slice(-5),
  });
}

test('fuzzed ticks: a page fed changes never drifts from a page fed the whole state', () => {
  const next = random(7);
  const encoder = new StreamEncoder();
  encoder.encode(fuzzedSnapshot(1, next));
  const page = new FleetStore();
  assert.ok(page.applyState(JSON.parse(encoder.state()!)));
  for (let tick = 2; tick < 600; tick++) {
    const { delta } = encoder.encode(fuzzedSnapshot(tick, next));
    assert.ok(delta !== null, 'the same logs: a tick of changes');
    assert.ok(page.applyTick(JSON.parse(delta)), `tick ${tick} applies`);
    const fresh = new FleetStore();
    fresh.applyState(JSON.parse(encoder.state()!));
    assert.equal(view(page), view(fresh), `tick ${tick}`);
  }
});

test('a tick sends only the changed fields of a peer verdict and of a pattern', () => {
  const encoder = new StreamEncoder();
  const peer = (ratio: number) => ({ ratio, median: 5, odd: null, peers: 3, reason: null });
  const at = (tick: number, ratio: number, share: number) =>
    ({
      time: 1e12 + tick * 1000, intervalMs: 1000, tick, roundMs: 1, total: totalOf([]),
      rows: [{ host: 'a', group: 'g', log: '/l', rate: 10, lines: 10, trend: null, change: null, history: [], age: 0, status: 'ok', error: null, peer: peer(ratio),
        patterns: [{ name: 'e5xx', lines: 1, rate: 1, share, peer: peer(ratio) }, { name: 'slow', lines: 1, rate: 1, share: 0.1 }] }],
    }) as Snapshot;
  encoder.encode(at(1, 1, 0.1));
  const delta = JSON.parse(encoder.encode(at(2, 1.5, 0.2)).delta!);
  assert.deepEqual(delta.hosts, { 0: { peer: { ratio: 1.5 }, patterns: { e5xx: { share: 0.2, peer: { ratio: 1.5 } } } } });
});
