import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fdLimitWarning, openFilesLimit } from '../../src/transport/fd-limit.js';

const LIMITS = `Limit                     Soft Limit           Hard Limit           Units
Max cpu time              unlimited            unlimited            seconds
Max open files            1024                 4096                 files
Max locked memory         8388608              8388608              bytes`;

test('reads the soft open-files limit from /proc/self/limits', () => {
  assert.equal(openFilesLimit(LIMITS), 1024);
  assert.equal(openFilesLimit(LIMITS.replace('1024 ', 'unlimited ')), null);
  assert.equal(openFilesLimit(null), null);
  assert.equal(typeof openFilesLimit(), process.platform === 'linux' ? 'number' : 'object');
});

test('warns, with what to do, only when the fleet needs more descriptors than allowed', () => {
  assert.equal(fdLimitWarning(500, 1024), null);
  assert.equal(fdLimitWarning(5000, null), null);
  const warning = fdLimitWarning(2000, 1024);
  assert.match(warning ?? '', /2000 hosts needs about 2064 open files, but this process may open only 1024/);
  assert.match(warning ?? '', /ulimit -n 4000/);
});
