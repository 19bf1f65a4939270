import { test } from 'node:test';
import assert from 'node:assert/strict';
import { inShard, parseShard, shardFromOrdinal } from '../../src/core/shard.js';

const fleet = Array.from({ length: 3000 }, (_, i) => `web${String(i).padStart(4, '0')}.dc${i % 3}.example.com`);

test('shards cover every host exactly once, for any number of shards', () => {
  for (const count of [1, 2, 3, 5, 7, 16]) {
    const owners = fleet.map((host) => Array.from({ length: count }, (_, i) => i + 1).filter((index) => inShard(host, { index, count })));
    assert.ok(owners.every((list) => list.length === 1), `${count} shards`);
    // Spread evenly enough to be useful: no shard over 1.3x its fair share.
    const sizes = Array.from({ length: count }, (_, i) => owners.filter((list) => list[0] === i + 1).length);
    assert.ok(Math.max(...sizes) <= (1.3 * fleet.length) / count, `${count} shards: ${sizes}`);
  }
});

test('a host stays in its shard whatever else is in the list', () => {
  const shard = { index: 2, count: 4 };
  const before = fleet.filter((host) => inShard(host, shard));
  const after = [...fleet.slice(100), 'new1', 'new2'].reverse().filter((host) => inShard(host, shard));
  assert.deepEqual(new Set(before.filter((host) => fleet.indexOf(host) >= 100)), new Set(after.filter((host) => host.startsWith('web'))));
});

test('parses i/n and refuses anything else', () => {
  assert.deepEqual(parseShard('2/5'), { index: 2, count: 5 });
  assert.deepEqual(parseShard(' 1 / 1 '), { index: 1, count: 1 });
  for (const bad of ['0/5', '6/5', '1/0', '1', 'a/b', '-1/3', '1/2/3', '']) assert.equal(parseShard(bad), null, bad);
});

test('a 0-based ordinal, or a pod name ending in -k, is shard k+1 of n', () => {
  assert.deepEqual(shardFromOrdinal('0', '3'), { index: 1, count: 3 });
  assert.deepEqual(shardFromOrdinal('2', '3'), { index: 3, count: 3 });
  assert.deepEqual(shardFromOrdinal('pvlook-1', '3'), { index: 2, count: 3 });
  assert.deepEqual(shardFromOrdinal('log-rate-web-10', '12'), { index: 11, count: 12 });
  for (const [ordinal, count] of [['3', '3'], ['-1', '3'], ['pvlook', '3'], ['1', '0'], ['1', 'x'], ['', '3'], ['1.5', '3'], ['0', '']]) {
    assert.equal(shardFromOrdinal(ordinal!, count!), null, `${ordinal} of ${count}`);
  }
});
