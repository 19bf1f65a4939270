import { test } from 'node:test';
import assert from 'node:assert/strict';
import { retryDelayMs } from '../../src/core/backoff.js';

test('doubles per failure, is capped, and jitters within the upper half', () => {
  assert.equal(retryDelayMs(0, 0.5), 0);
  assert.equal(retryDelayMs(1, 0), 500);
  assert.equal(retryDelayMs(1, 1), 1000);
  assert.equal(retryDelayMs(3, 1), 4000);
  assert.equal(retryDelayMs(50, 1), 60_000);
  assert.equal(retryDelayMs(50, 0), 30_000);
});
