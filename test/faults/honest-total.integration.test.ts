/**
 * The fleet total and the metrics against real sshd hosts when a log rotates
 * and when a host dies: the total does not dip at a rotation, a dead host
 * drops out of it after the carry window, and its metrics keep only
 * pvlook_host_up 0 and its age. Every wait is for a condition, in ticks.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { renameSync } from 'node:fs';
import { CARRY_SECONDS } from '../../src/core/carry.js';
import type { Snapshot } from '../../src/core/snapshot.js';
import { FleetMetrics } from '../../src/export/fleet-metrics.js';
import { makeLog } from '../helpers/fleet.js';
import { victimFleet } from '../helpers/victim-fleet.js';

const INTERVAL_MS = 500;

const fleet = victimFleet('honest', { healthy: ['a.log', 'rotating.log'], victim: 'b.log' });

function setup() {
  return { ticker: fleet.ticker([['good1', fleet.logs['a.log']!], ['good2', fleet.logs['rotating.log']!], ['victim', fleet.logs['b.log']!]], 2000, INTERVAL_MS) };
}

const row = (snapshot: Snapshot, host: string) => snapshot.rows.find((r) => r.host === host)!;
const allRated = (snapshot: Snapshot) => snapshot.rows.every((r) => r.status === 'ok' && r.rate !== null);

test('a log rotated where the new file cannot be proven new reads unknown on its row, and the total carries its last rate instead of dipping', async () => {
  const { ticker } = setup();
  try {
    // The file that will take the log's name exists before the next readings: nothing proves its lines are new.
    const replacement = makeLog(fleet.healthy, 'rotating.next');
    await ticker.until(allRated, 20);
    const lastRate = row(ticker.snapshots.at(-1)!, 'good2').rate!;
    renameSync(fleet.logs['rotating.log']!, `${fleet.logs['rotating.log']}.1`);
    renameSync(replacement, fleet.logs['rotating.log']!);
    await ticker.until((s) => row(s, 'good2').status === 'ok' && row(s, 'good2').rate === null, 20);
    const rotated = ticker.snapshots.at(-1)!;
    const own = rotated.rows.reduce((sum, r) => sum + (r.rate ?? 0), 0);
    assert.equal(rotated.total.carried, 1, JSON.stringify(rotated.total));
    assert.ok(rotated.total.rate !== null && Math.abs(rotated.total.rate - (own + lastRate)) < 1e-6, `the rotated log counts with its last rate: ${rotated.total.rate} vs ${own} + ${lastRate}`);
    await ticker.until((s) => allRated(s) && s.total.carried === 0, 20);
  } finally {
    await ticker.stop();
  }
});

test('a killed host: carried only briefly, then counted as failed and left out; its metrics keep only up 0 and age', async () => {
  const { ticker } = setup();
  const metrics = new FleetMetrics();
  try {
    await ticker.until(allRated, 20, (s) => metrics.update(s));
    fleet.victim.signal('SIGKILL');
    const failed = (s: Snapshot) => !['ok', 'stale'].includes(row(s, 'victim').status);
    // Long enough failing that the carry window has passed (and the healthy hosts answered that tick, so nothing else is carried).
    const healthyRated = (s: Snapshot) => row(s, 'good1').rate !== null && row(s, 'good2').rate !== null;
    await ticker.until((s) => failed(s) && row(s, 'victim').age! > CARRY_SECONDS && healthyRated(s), 40, (s) => metrics.update(s));
    const down = ticker.snapshots.at(-1)!;
    assert.deepEqual([down.total.failed, down.total.carried], [1, 0]);
    assert.ok(down.total.rate !== null && Math.abs(down.total.rate - (row(down, 'good1').rate ?? 0) - (row(down, 'good2').rate ?? 0)) < 1e-6, 'the dead host adds nothing');
    const series = (await metrics.text()).split('\n').filter((line) => line.includes('host="victim"'));
    assert.deepEqual(
      series.map((line) => line.split('{')[0]),
      ['pvlook_host_up', 'pvlook_host_sample_age_seconds'],
      series.join('\n'),
    );
    assert.match(series[0]!, / 0$/);
  } finally {
    await fleet.victim.restart();
    await ticker.stop();
  }
});
