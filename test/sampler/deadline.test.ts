import { test, mock } from 'node:test';
import assert from 'node:assert/strict';
import { SampleDeadline } from '../../src/sampler/deadline.js';

test('a sample deadline counts only the time outside pvlook\'s own queues', (t) => {
  mock.timers.enable({ apis: ['setTimeout', 'Date'], now: 1_000_000 });
  t.after(() => mock.timers.reset());
  const deadline = new SampleDeadline(1000, Date.now);
  mock.timers.tick(400);
  const release = deadline.hold('queued behind 3 handshakes to a:22');
  assert.equal(deadline.queuedFor, 'queued behind 3 handshakes to a:22');
  mock.timers.tick(60_000);
  assert.equal(deadline.signal.aborted, false, 'a minute in the queue is not the host\'s time');
  release();
  release();
  assert.equal(deadline.queuedFor, null);
  assert.equal(deadline.wasQueued, true);
  mock.timers.tick(599);
  assert.equal(deadline.signal.aborted, false);
  mock.timers.tick(1);
  assert.equal(deadline.signal.aborted, true, '400 ms before the queue and 600 after: the second is up');
  assert.match(String((deadline.signal.reason as Error).message), /no answer within 1s/);
});

test('nested holds: the clock runs again only when the last one is released', (t) => {
  mock.timers.enable({ apis: ['setTimeout', 'Date'], now: 2_000_000 });
  t.after(() => mock.timers.reset());
  const deadline = new SampleDeadline(100, Date.now);
  const outer = deadline.hold('per destination');
  const inner = deadline.hold('fleet-wide');
  outer();
  mock.timers.tick(1000);
  assert.equal(deadline.signal.aborted, false);
  inner();
  mock.timers.tick(100);
  assert.equal(deadline.signal.aborted, true);
});
