import { mock, test } from 'node:test';
import assert from 'node:assert/strict';
import { HostError } from '../../src/errors.js';
import { parseHostSpec } from '../../src/core/host-spec.js';
import { DEFAULT_TREND } from '../../src/core/trend.js';
import { Sampler } from '../../src/sampler/sampler.js';
import { FakeProber, type FakeHost } from '../helpers/fake-prober.js';

function setup(hosts: Record<string, FakeHost>, options: { parallel?: number; now?: () => number; timeoutMs?: number } = {}) {
  const transport = new FakeProber(new Map(Object.entries(hosts)));
  const plans = Object.keys(hosts).map((label) => ({ spec: parseHostSpec(label), session: 'shell' as const, watches: [{ group: 'g', log: '/l', patterns: [] }] }));
  const sampler = new Sampler(plans, transport, {
    parallel: options.parallel ?? 10,
    timeoutMs: options.timeoutMs ?? 1000,
    intervalMs: 1000,
    trend: DEFAULT_TREND,
    random: () => 0,
    ...(options.now ? { now: options.now } : {}),
  });
  return { transport, sampler };
}

const soon = () => Date.now() + 5000;

test('rates come from the remote clock, and trend follows the history', async () => {
  // The host's clock runs 50 s ahead of ours: only differences matter.
  let now = 50_000;
  const a: FakeHost = { lines: 0, clock: 100 };
  const { sampler } = setup({ a }, { now: () => now });
  await sampler.sampleByHand(now + 1000);
  const rates: (number | null)[] = [];
  for (const [lines, clock] of [[10, 101], [20, 102], [30, 103], [90, 104]] as const) {
    a.lines = lines;
    a.clock = clock;
    now = (clock - 50) * 1000;
    rates.push((await sampler.sampleByHand(now + 1000)).rows[0]!.rate);
  }
  assert.deepEqual(rates, [10, 10, 10, 60]);
  a.lines = 95;
  a.clock = 105;
  now = 55_000;
  const row = (await sampler.sampleByHand(now + 1000)).rows[0]!;
  assert.equal(row.rate, 5);
  assert.equal(row.trend, 'down');
});

test('a host that hangs is shown stale at the deadline, is not queued again, and never delays the others', async () => {
  let release!: () => void;
  let now = 1_000_000;
  const slow: FakeHost = { lines: 0, clock: 1000 };
  const fast: FakeHost = { lines: 0, clock: 1000 };
  const { sampler, transport } = setup({ slow, fast }, { now: () => now });
  await sampler.sampleByHand(now + 1000);
  slow.hold = new Promise((resolve) => (release = resolve));
  now += 1000;
  fast.lines = 5;
  fast.clock = 1001;
  const stuck = await sampler.sampleByHand(now + 50);
  assert.deepEqual(stuck.rows.map((row) => [row.host, row.status, row.rate]), [['slow', 'stale', null], ['fast', 'ok', 5]]);
  now += 1000;
  fast.lines = 10;
  fast.clock = 1002;
  const still = await sampler.sampleByHand(now + 50);
  assert.deepEqual(still.rows.map((row) => row.status), ['stale', 'ok']);
  assert.equal(still.rows[1]?.rate, 5);
  assert.match(still.rows[0]?.error ?? '', /waiting for an answer \(1\.0s\)/);
  // Three ticks, but only two probes ever sent to the slow host: one at a time.
  assert.equal(transport.calls.filter((host) => host === 'slow').length, 2);
  assert.equal(transport.maxInFlightPerHost, 1);
  release();
  slow.hold = undefined;
});

test('a failure is shown on its row, counted, retried after backoff, and leaves a gap not a zero', async () => {
  let now = 1_000_000;
  const bad: FakeHost = { lines: 0, clock: 1, fail: new HostError('refused', 'connection refused by x:22') };
  const good: FakeHost = { lines: 0, clock: 1 };
  const { sampler, transport } = setup({ bad, good }, { now: () => now });
  const first = await sampler.sampleByHand(now + 1000);
  assert.deepEqual(first.rows.map((row) => [row.status, row.error]), [['refused', 'connection refused by x:22'], ['ok', null]]);
  // A first answer has no rate yet and the other host failed: the total is unknown, not 0.
  assert.deepEqual(first.total, { rate: null, ok: 1, stale: 0, failed: 1, carried: 0, odd: 0, trend: null });
  // Within the backoff (0.5 s at the first failure with this random) the host is not tried again.
  now += 100;
  await sampler.sampleByHand(now + 1000);
  assert.equal(transport.calls.filter((host) => host === 'bad').length, 1);
  now += 1000;
  bad.fail = undefined;
  const recovered = await sampler.sampleByHand(now + 1000);
  assert.deepEqual([recovered.rows[0]?.status, recovered.rows[0]?.rate], ['ok', null]);
  assert.equal(transport.calls.filter((host) => host === 'bad').length, 2);
});

test('an error from one host fails that host only, with its message', async () => {
  const { sampler, transport } = setup({ a: { lines: 0 }, b: { lines: 0 } });
  const original = transport.sample.bind(transport);
  transport.sample = async (host, requests, signal) => (host.label === 'a' ? Promise.reject(new Error('boom')) : original(host, requests, signal));
  const rows = (await sampler.sampleByHand(soon())).rows;
  assert.deepEqual(rows.map((row) => [row.status, row.error]), [['error', 'boom'], ['ok', null]]);
});

test('never more than `parallel` probes in flight across the fleet', async () => {
  const hosts: Record<string, FakeHost> = {};
  for (let i = 0; i < 20; i++) hosts[`h${i}`] = { lines: 0 };
  const { sampler, transport } = setup(hosts, { parallel: 3 });
  let peak = 0;
  const original = transport.sample.bind(transport);
  let active = 0;
  transport.sample = async (host, requests, signal) => {
    active++;
    peak = Math.max(peak, active);
    await new Promise((resolve) => setImmediate(resolve));
    try {
      return await original(host, requests, signal);
    } finally {
      active--;
    }
  };
  const snapshot = await sampler.sampleByHand(soon());
  assert.equal(snapshot.total.ok, 20);
  assert.equal(peak, 3);
});

/** Run the mocked clock forward in small steps, letting answers and timers interleave as they would. */
async function runFor(ms: number, step = 50): Promise<void> {
  for (let passed = 0; passed < ms; passed += step) {
    mock.timers.tick(step);
    for (let i = 0; i < 5; i++) await new Promise((resolve) => setImmediate(resolve));
  }
}

test('every host keeps its own schedule: a slow host never delays the others, and each rate covers one interval of its own', async (t) => {
  mock.timers.enable({ apis: ['setTimeout', 'Date'], now: 1_000_000 });
  t.after(() => mock.timers.reset());
  const fast: FakeHost = { lines: 0 };
  const slow: FakeHost = { lines: 0, delayMs: 600 };
  const { sampler, transport } = setup({ fast, slow });
  const started = new Map<string, number[]>();
  const original = transport.sample.bind(transport);
  transport.sample = (host, requests, signal) => {
    started.set(host.label, [...(started.get(host.label) ?? []), Date.now() - 1_000_000]);
    return original(host, requests, signal);
  };
  sampler.start();
  const snapshots = [];
  for (let second = 1; second <= 5; second++) {
    fast.lines += 100;
    slow.lines += 100;
    await runFor(1000);
    snapshots.push(sampler.snapshot());
  }
  await sampler.stop();
  // The fast host samples every second from the start; the slow one one interval after its first
  // answer (it had to connect), then every second: neither waits for the other.
  const gaps = (label: string) => (started.get(label) ?? []).map((at, i, all) => at - (all[i - 1] ?? at)).slice(1);
  assert.deepEqual(gaps('fast'), [1000, 1000, 1000, 1000]);
  assert.deepEqual(gaps('slow'), [1600, 1000, 1000, 1000]);
  // Neither is ever stale (600 ms is within an interval), and each rate is lines over its own window.
  for (const snapshot of snapshots.slice(3)) {
    assert.deepEqual(snapshot.rows.map((row) => row.status), ['ok', 'ok']);
    assert.deepEqual(snapshot.rows.map((row) => row.rate), [100, 100]);
  }
});

test('a host that never answers turns stale after one interval, fails at its timeout, and waiting for samples ends at the deadline', async (t) => {
  mock.timers.enable({ apis: ['setTimeout', 'Date'], now: 2_000_000 });
  t.after(() => mock.timers.reset());
  const stuck: FakeHost = { lines: 0, hold: new Promise(() => undefined) };
  const fine: FakeHost = { lines: 0 };
  const { sampler } = setup({ stuck, fine }, { timeoutMs: 2000 });
  sampler.start();
  let waited = false;
  void sampler.waitForSamples(2, Date.now() + 3000).then(() => (waited = true));
  await runFor(500);
  assert.deepEqual(sampler.snapshot().rows.map((row) => [row.status, row.error]), [['stale', 'connecting'], ['ok', null]], 'never answered: connecting, not ok, even before an interval has passed');
  assert.deepEqual(sampler.snapshot(0).rows.map((row) => row.status), ['stale', 'ok'], 'a final answer counts any unanswered host');
  await runFor(600);
  const late = sampler.snapshot().rows[0]!;
  assert.equal(late.status, 'stale');
  assert.match(late.error ?? '', /^connecting \(1\.1s\)$/);
  await runFor(1000);
  assert.equal(sampler.snapshot().rows[0]?.status, 'timeout', 'the 2 s timeout covers connecting too');
  assert.equal(waited, false);
  await runFor(1000);
  assert.equal(waited, true, 'the wait gives up at its deadline');
  await sampler.stop();
});

test('a one-shot run waits for answers in a row: a failure then a first answer is no rate yet', async (t) => {
  mock.timers.enable({ apis: ['setTimeout', 'Date'], now: 3_000_000 });
  t.after(() => mock.timers.reset());
  const flaky: FakeHost = { lines: 0, fail: new HostError('refused', 'connection refused by x:22') };
  const { sampler, transport } = setup({ flaky });
  sampler.start(2);
  let done = false;
  void sampler.waitForSamples(2, Date.now() + 60_000).then(() => (done = true));
  await runFor(100);
  flaky.fail = undefined;
  // The retry after the backoff answers (a first reading, no rate): not enough yet.
  await runFor(1000);
  assert.equal(done, false);
  assert.equal(sampler.snapshot(0).rows[0]?.rate, null);
  flaky.lines = 50;
  await runFor(1500);
  assert.equal(done, true);
  const row = sampler.snapshot(0).rows[0]!;
  assert.deepEqual([row.status, row.rate !== null], ['ok', true]);
  // Two answers in a row were all the run asked for: nothing more is sampled.
  const calls = transport.calls.length;
  await runFor(3000);
  assert.equal(transport.calls.length, calls);
  await sampler.stop();
});

test('a one-shot run waits for hosts queued behind --parallel while the queue moves; none is stale or timed out for waiting', async (t) => {
  mock.timers.enable({ apis: ['setTimeout', 'Date'], now: 5_000_000 });
  t.after(() => mock.timers.reset());
  // Sixteen hosts, two at a time, 400 ms a sample, 1 s each: the last wait ~3 s for their turn, several times their timeout.
  const hosts = Object.fromEntries(Array.from({ length: 16 }, (_, i) => [`h${i}`, { lines: 0, delayMs: 400 } as FakeHost]));
  const { sampler } = setup(hosts, { parallel: 2, timeoutMs: 1000 });
  sampler.start(2);
  let done = false;
  // What runSnapshot gives it: an interval plus 2 x timeout + 1 s, and as much again while the queue moves.
  void sampler.waitForSamplesPatiently(2, Date.now() + 1000 + 3000, 3000).then(() => (done = true));
  const seen = new Set<string>();
  for (let step = 0; step < 200 && !done; step++) {
    await runFor(100);
    for (const row of sampler.snapshot().rows) seen.add(row.status === 'stale' && /queued behind --parallel/.test(row.error ?? '') ? 'queued' : row.status);
  }
  assert.equal(done, true);
  assert.deepEqual(sampler.snapshot(0).rows.map((row) => row.status), Array.from({ length: 16 }, () => 'ok'));
  assert.ok(seen.has('queued'), 'hosts waiting for a slot said so');
  assert.ok(!seen.has('timeout'));
  await sampler.stop();
});

test("the fleet total's trend is the sampler's, with the trend settings, and starts only after a known total", async () => {
  let now = 50_000;
  const a: FakeHost = { lines: 0, clock: 100 };
  const { sampler } = setup({ a }, { now: () => now });
  const first = await sampler.sampleByHand(now + 1000);
  assert.deepEqual([first.total.rate, first.total.trend], [null, null], 'no trend from an unknown total');
  const trends: (string | null | undefined)[] = [];
  for (const [lines, clock] of [[10, 101], [20, 102], [30, 103], [90, 104], [91, 105]] as const) {
    a.lines = lines;
    a.clock = clock;
    now = (clock - 50) * 1000;
    trends.push((await sampler.sampleByHand(now + 1000)).total.trend);
  }
  // 10 (nothing known before it), 10, 10 flat, 60 up, then 1 down against the mean of 10, 10, 10, 60.
  assert.deepEqual(trends, [null, 'flat', 'flat', 'up', 'down']);
});
