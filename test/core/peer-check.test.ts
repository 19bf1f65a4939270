import assert from 'node:assert/strict';
import test from 'node:test';
import { judgeFleet } from '../../src/core/check.js';
import { withPeers } from '../../src/core/peers.js';
import { DEFAULT_PEER_OPTIONS } from '../../src/core/peer-compare.js';
import { row } from '../helpers/rows.js';

const pool = (rates: number[]) => withPeers(rates.map((rate, i) => row({ host: `web${i + 1}`, group: 'web', rate, history: [rate, rate, rate] })), () => DEFAULT_PEER_OPTIONS);

test('without --peers an odd log is not a check finding', () => {
  const result = judgeFleet(pool([100, 100, 100, 100, 100, 20]), () => ({}));
  assert.equal(result.state, 'OK');
});

test('--peers: an odd log is a WARNING that names it and its ratio', () => {
  const result = judgeFleet(pool([100, 100, 100, 100, 100, 20]), () => ({ peers: true }));
  assert.equal(result.state, 'WARNING');
  assert.match(result.summary, /web6 \(web\) WARNING: odd among peers: rate 0\.2x its peers' median \(100\/s\)/);
  assert.equal(result.verdicts.filter((v) => v.state !== 'OK').length, 1);
});

test('CRITICAL when the odd log is beyond the thresholds chosen, WARNING within them', () => {
  assert.equal(judgeFleet(pool([100, 100, 100, 20]), () => ({ peersCriticalBelow: 0.25 })).state, 'CRITICAL');
  assert.equal(judgeFleet(pool([100, 100, 100, 40]), () => ({ peersCriticalBelow: 0.25 })).state, 'WARNING');
  assert.equal(judgeFleet(pool([100, 100, 100, 600]), () => ({ peersCriticalAbove: 5 })).state, 'CRITICAL');
});

test('an odd share among peers with none at all is beyond any upper threshold', () => {
  const shares = [0, 0, 0, 0.1];
  const rows = withPeers(
    shares.map((share, i) => row({ host: `web${i + 1}`, group: 'web', rate: 100, history: [100, 100, 100], patterns: [{ name: '5xx', lines: share * 100, rate: share * 100, share, history: [share, share, share] }] })),
    () => DEFAULT_PEER_OPTIONS,
  );
  const result = judgeFleet(rows, () => ({ peers: true, peersCriticalAbove: 10 }));
  assert.equal(result.state, 'CRITICAL');
  assert.match(result.summary, /web4 \(web\) CRITICAL: odd among peers: 5xx 10\.0% of lines, against its peers' median \(0\.0%\)/);
});

test('a group of two is never a finding', () => {
  assert.equal(judgeFleet(pool([100, 5]), () => ({ peers: true })).state, 'OK');
});
