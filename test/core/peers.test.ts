import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { comparePool, DEFAULT_PEER_OPTIONS, medianOf } from '../../src/core/peer-compare.js';
import { recentRates, withPeers } from '../../src/core/peers.js';
import { isOdd, totalOf } from '../../src/core/snapshot.js';
import { row } from '../helpers/rows.js';

const options = DEFAULT_PEER_OPTIONS;
/** The same value at every position: a host that has been steady for a while. */
const steady = (value: number | null) => [value, value, value];

describe('comparePool: rates', () => {
  it('five hosts at 100 lines/s and one at 20: the slow one is odd low, with its ratio against the median', () => {
    const verdicts = comparePool([steady(100), steady(101), steady(99), steady(100), steady(102), steady(20)], 'rate', options);
    const slow = verdicts[5]!;
    assert.equal(slow.odd, 'low');
    assert.equal(slow.median, 100);
    assert.equal(slow.ratio, 0.2);
    assert.equal(slow.peers, 6);
    assert.match(slow.reason ?? '', /below 0\.5× its peers' median for 3 samples/);
    for (const verdict of verdicts.slice(0, 5)) {
      assert.equal(verdict.odd, null);
      assert.equal(verdict.reason, null);
      assert.ok(verdict.ratio !== null && verdict.ratio > 0.9 && verdict.ratio < 1.1);
    }
  });

  it('a hot host (sticky client) is odd high', () => {
    const verdicts = comparePool([steady(100), steady(100), steady(100), steady(450)], 'rate', options);
    assert.equal(verdicts[3]!.odd, 'high');
    assert.equal(verdicts[3]!.ratio, 4.5);
  });

  it('one low sample does not flag a host; the streak has to be `samples` long', () => {
    const dip = [20, 100, 100];
    const twice = [20, 20, 100];
    const verdicts = comparePool([steady(100), steady(100), steady(100), dip, twice], 'rate', options);
    assert.equal(verdicts[3]!.odd, null);
    assert.equal(verdicts[3]!.ratio, 0.2, 'the ratio is shown now, the verdict waits');
    assert.equal(verdicts[4]!.odd, null);
    const longer = comparePool([steady(100), steady(100), steady(100), [20, 20, 100]], 'rate', { ...options, samples: 2 });
    assert.equal(longer[3]!.odd, 'low');
  });

  it('a host that is back to its peers stops being odd at once', () => {
    const verdicts = comparePool([steady(100), steady(100), steady(100), [100, 20, 20]], 'rate', options);
    assert.equal(verdicts[3]!.odd, null);
    assert.equal(verdicts[3]!.ratio, 1);
  });

  it('a pool of three: the odd one cannot move the median', () => {
    const verdicts = comparePool([steady(100), steady(110), steady(10)], 'rate', options);
    assert.equal(verdicts[2]!.odd, 'low');
    assert.equal(verdicts[2]!.median, 100);
    assert.deepEqual(verdicts.slice(0, 2).map((v) => v.odd), [null, null]);
  });

  it('a group of two is never odd, and says why', () => {
    const verdicts = comparePool([steady(100), steady(5)], 'rate', options);
    for (const verdict of verdicts) {
      assert.equal(verdict.odd, null);
      assert.equal(verdict.ratio, null);
      assert.equal(verdict.median, null);
      assert.equal(verdict.peers, 2);
      assert.equal(verdict.reason, '2 logs of the group with a rate now; a comparison needs 3');
    }
  });

  it('an idle pool is not a pool of odd hosts: below the floor there is no ratio', () => {
    const verdicts = comparePool([steady(0), steady(0.2), steady(0), steady(3)], 'rate', options);
    for (const verdict of verdicts) {
      assert.equal(verdict.odd, null);
      assert.equal(verdict.ratio, null);
      assert.match(verdict.reason ?? '', /below 1 lines\/s/);
    }
    assert.equal(verdicts[0]!.median, 0.1);
  });

  it('half the pool down: the comparison is among the hosts that answer, and says how many', () => {
    const down = [null, null, null];
    const verdicts = comparePool([steady(100), steady(100), steady(30), down, down, down], 'rate', options);
    assert.equal(verdicts[2]!.odd, 'low');
    assert.equal(verdicts[2]!.peers, 3);
    assert.equal(verdicts[3]!.odd, null);
    assert.equal(verdicts[3]!.ratio, null);
    assert.equal(verdicts[3]!.reason, 'no rate of its own now');
    // One more down and there are too few to compare.
    const fewer = comparePool([steady(100), steady(30), down, down], 'rate', options);
    assert.equal(fewer[1]!.odd, null);
    assert.match(fewer[1]!.reason ?? '', /2 logs .* needs 3/);
  });

  it('a host at zero among busy peers (dropped out of the balancer) is odd, ratio 0', () => {
    const verdicts = comparePool([steady(80), steady(90), steady(100), steady(0)], 'rate', options);
    assert.equal(verdicts[3]!.odd, 'low');
    assert.equal(verdicts[3]!.ratio, 0);
    assert.equal(verdicts[3]!.median, 85);
  });

  it('a gap in the streak (a failed sample) is unknown, not odd', () => {
    const verdicts = comparePool([steady(100), steady(100), steady(100), [20, null, 20]], 'rate', options);
    assert.equal(verdicts[3]!.odd, null);
  });

  it('thresholds and the minimum pool are the group\'s to tune', () => {
    const verdicts = comparePool([steady(100), steady(100), steady(70)], 'rate', { ...options, low: 0.8 });
    assert.equal(verdicts[2]!.odd, 'low');
    const pair = comparePool([steady(100), steady(10)], 'rate', { ...options, minPeers: 2 });
    assert.equal(pair[1]!.median, 55);
    assert.equal(pair[1]!.odd, 'low');
  });
});

describe('comparePool: pattern shares', () => {
  it('10 % 5xx among peers at 0.1 %: odd high by share', () => {
    const verdicts = comparePool([steady(0.001), steady(0.001), steady(0), steady(0.001), steady(0.1)], 'share', options);
    assert.equal(verdicts[4]!.odd, 'high');
    assert.equal(verdicts[4]!.median, 0.001);
    assert.equal(verdicts[4]!.ratio, 100);
    assert.match(verdicts[4]!.reason ?? '', /at least 1% of lines/);
  });

  it('peers with no errors at all: the ratio is unknown, the host is still odd', () => {
    const verdicts = comparePool([steady(0), steady(0), steady(0), steady(0.1)], 'share', options);
    assert.equal(verdicts[3]!.odd, 'high');
    assert.equal(verdicts[3]!.ratio, null);
    assert.equal(verdicts[0]!.reason, "the peers' median is 0");
  });

  it('a share several times its peers\' but tiny in itself is noise, not odd', () => {
    const verdicts = comparePool([steady(0.001), steady(0.001), steady(0.001), steady(0.005)], 'share', options);
    assert.equal(verdicts[3]!.odd, null);
    assert.equal(verdicts[3]!.ratio, 5);
  });

  it('a share far below its peers\' is odd low only when the peers\' share is above the floor', () => {
    const verdicts = comparePool([steady(0.3), steady(0.3), steady(0.3), steady(0.02)], 'share', options);
    assert.equal(verdicts[3]!.odd, 'low');
    const quiet = comparePool([steady(0.004), steady(0.004), steady(0.004), steady(0)], 'share', options);
    assert.equal(quiet[3]!.odd, null);
  });
});

describe('withPeers: pools from snapshot rows', () => {
  const history = (rate: number) => [rate, rate, rate];
  const pool = (group: string, rates: number[]) => rates.map((rate, i) => row({ host: `${group}${i + 1}`, group, rate, history: history(rate) }));

  it('compares the logs of one group and one path; another group is another pool', () => {
    const rows = withPeers([...pool('web', [100, 100, 100, 20]), ...pool('api', [20, 20, 20])], () => options);
    assert.equal(rows[3]!.peer?.odd, 'low');
    assert.deepEqual(rows.slice(4).map((r) => r.peer?.odd), [null, null, null]);
    assert.equal(totalOf(rows).odd, 1);
  });

  it('a group that turned peers off gets no verdict at all', () => {
    const rows = withPeers(pool('web', [100, 100, 100, 20]), (group) => (group === 'web' ? null : options));
    assert.ok(rows.every((r) => r.peer === undefined));
    assert.equal(totalOf(rows).odd, 0);
  });

  it('pattern shares are compared per pattern name, using each count\'s history', () => {
    const withShare = (host: string, share: number) =>
      row({ host, group: 'web', rate: 100, history: history(100), patterns: [{ name: '5xx', lines: share * 100, rate: share * 100, share, history: [share, share, share] }] });
    const rows = withPeers([withShare('a', 0.001), withShare('b', 0), withShare('c', 0.001), withShare('d', 0.1)], () => options);
    assert.equal(rows[3]!.peer?.odd, null, 'its rate is like its peers\'');
    assert.equal(rows[3]!.patterns?.[0]?.peer?.odd, 'high');
    assert.ok(isOdd(rows[3]!));
    assert.equal(totalOf(rows).odd, 1);
  });

  it('a stale host has no rate now; its last finished sample counts as one sample back', () => {
    assert.deepEqual(recentRates({ rate: null, history: [1, 2, 3], status: 'stale' }, 3), [null, 3, 2]);
    assert.deepEqual(recentRates({ rate: 3, history: [1, 2, 3], status: 'ok' }, 3), [3, 2, 1]);
    assert.deepEqual(recentRates({ rate: null, history: [5], status: 'timeout' }, 3), [null, null, null]);
  });
});

describe('medianOf', () => {
  it('takes the middle value, or the mean of the two middle ones', () => {
    assert.equal(medianOf(Float64Array.from([5, 1, 3])), 3);
    assert.equal(medianOf(Float64Array.from([4, 1, 3, 2])), 2.5);
    assert.equal(medianOf(Float64Array.from([7])), 7);
  });
});
