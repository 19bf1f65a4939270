/**
 * /history's answer: a host whose glob splits into files keeps each file's
 * history through a stale tick (when its rows collapse into the glob's one
 * row), and every rate in it, and in the state, is the --json's.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { StreamEncoder } from '../../src/web/stream-encoder.js';
import { hostHistory } from '../../src/web/host-history.js';
import type { StreamState } from '../../src/web/stream-encoder.js';
import { row, snapshotOf } from '../helpers/rows.js';

test('a split glob host stale for one tick keeps each file’s history', () => {
  const encoder = new StreamEncoder();
  for (let tick = 1; tick <= 100; tick++) {
    // Host b is stale at tick 60: its split glob collapses into one row, as the sampler's rows do.
    const b =
      tick === 60
        ? [row({ host: 'b', log: '/var/log/*.log', rate: null, status: 'stale' })]
        : [row({ host: 'b', log: '/var/log/a.log', rate: 10 }), row({ host: 'b', log: '/var/log/b.log', rate: 20 })];
    encoder.encode(snapshotOf([row({ host: 'a', log: '/x', rate: 5 }), ...b], 1e12 + tick * 1000));
  }
  const held = hostHistory(encoder, 'b');
  assert.equal(held.times.length, 100);
  assert.deepEqual(
    held.logs.map((log) => [log.log, log.rates.filter((rate) => rate !== null).length, log.rates[59]]),
    [
      ['/var/log/a.log', 99, null],
      ['/var/log/b.log', 99, null],
    ],
    'every tick but the stale one, which is a gap',
  );
});

test('the rates in /history and in the state are the --json rates of each tick', () => {
  const encoder = new StreamEncoder();
  const rates = [0.1 + 0.2, 1000.0685, 1 / 3, 1000.4795, 99999.9995];
  const sent: number[] = [];
  rates.forEach((rate, tick) => {
    const { full } = encoder.encode(snapshotOf([row({ host: 'a', rate })], 1e12 + tick * 1000));
    sent.push((JSON.parse(full) as StreamState).hosts[0]!.rate!);
  });
  assert.deepEqual(hostHistory(encoder, 'a').logs[0]!.rates, sent);
  assert.deepEqual((JSON.parse(encoder.state()!) as StreamState).recent[0], sent);
});
