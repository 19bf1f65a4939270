import { test } from 'node:test';
import assert from 'node:assert/strict';
import { expandHostPattern, HostRangeError, MAX_EXPANSION } from '../../src/core/host-range.js';

test('expands zero-padded ranges, lists and several brackets', () => {
  assert.deepEqual(expandHostPattern('web[01-03]'), ['web01', 'web02', 'web03']);
  assert.deepEqual(expandHostPattern('db[1-2,7]'), ['db1', 'db2', 'db7']);
  assert.deepEqual(expandHostPattern('r[1-2]-n[a,b].dc'), ['r1-na.dc', 'r1-nb.dc', 'r2-na.dc', 'r2-nb.dc']);
  assert.deepEqual(expandHostPattern('user@web[8-10]:2222'), ['user@web8:2222', 'user@web9:2222', 'user@web10:2222']);
  assert.deepEqual(expandHostPattern('plain'), ['plain']);
});

test('rejects malformed, backwards and huge ranges with a clear message', () => {
  assert.throws(() => expandHostPattern('web[1-'), HostRangeError);
  assert.throws(() => expandHostPattern('web[1-]'), /bad range/);
  assert.throws(() => expandHostPattern('web[]'), /empty range/);
  assert.throws(() => expandHostPattern('web[5-1]'), /backwards/);
  assert.throws(() => expandHostPattern('web1]'), /unmatched/);
  assert.throws(() => expandHostPattern('web[$(id)]'), /bad range/);
  assert.throws(() => expandHostPattern(`w[0-${MAX_EXPANSION}]`), /more than/);
  assert.throws(() => expandHostPattern('a[0-999]b[0-999]'), /more than/);
});
