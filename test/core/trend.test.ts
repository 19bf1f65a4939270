import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DEFAULT_TREND, trendOf } from '../../src/core/trend.js';

test('compares the current rate with the mean of the previous window', () => {
  assert.equal(trendOf([100, 100, 100], 150, DEFAULT_TREND), 'up');
  assert.equal(trendOf([100, 100, 100], 50, DEFAULT_TREND), 'down');
  assert.equal(trendOf([100, 100, 100], 100, DEFAULT_TREND), 'flat');
});

test('a dead band keeps noise from flapping', () => {
  assert.equal(trendOf([100, 100], 109, DEFAULT_TREND), 'flat');
  assert.equal(trendOf([100, 100], 111, DEFAULT_TREND), 'up');
  // Near zero the absolute band applies: 0 → 0.4 lines/s is not a rise.
  assert.equal(trendOf([0, 0], 0.4, DEFAULT_TREND), 'flat');
  assert.equal(trendOf([0, 0], 2, DEFAULT_TREND), 'up');
});

test('only the last `window` rates count, and gaps are skipped', () => {
  const options = { ...DEFAULT_TREND, window: 2 };
  assert.equal(trendOf([1000, 10, 10], 10, options), 'flat');
  assert.equal(trendOf([10, null, 10], 10, DEFAULT_TREND), 'flat');
});

test('unknown without a current rate or any history', () => {
  assert.equal(trendOf([], 5, DEFAULT_TREND), null);
  assert.equal(trendOf([null, null], 5, DEFAULT_TREND), null);
  assert.equal(trendOf([5], null, DEFAULT_TREND), null);
});
