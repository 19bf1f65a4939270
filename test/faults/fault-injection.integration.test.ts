/**
 * Faults injected into real sshd processes while pvlook keeps sampling:
 * a frozen server, a killed and restarted one. Every other host must keep
 * updating on every tick, and the broken one must recover by itself.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Snapshot } from '../../src/core/snapshot.js';
import { victimFleet } from '../helpers/victim-fleet.js';

const INTERVAL_MS = 500;
const TIMEOUT_MS = 2000;

const fleet = victimFleet('faults', { healthy: ['a.log'], victim: 'b.log' });

function setup() {
  return { ticker: fleet.ticker([['good1', fleet.logs['a.log']!], ['good2', fleet.logs['a.log']!], ['victim', fleet.logs['b.log']!]], TIMEOUT_MS, INTERVAL_MS) };
}

const row = (snapshot: Snapshot, host: string) => snapshot.rows.find((r) => r.host === host)!;
const allOk = (snapshot: Snapshot) => snapshot.rows.every((r) => r.status === 'ok' && r.rate !== null);
/** The healthy hosts must have a fresh number on every single tick. */
const healthyUpdated = (snapshot: Snapshot) => {
  for (const host of ['good1', 'good2']) {
    const r = row(snapshot, host);
    assert.deepEqual([host, r.status], [host, 'ok'], `${host} missed a tick: ${r.error}`);
    assert.ok(r.lines !== null && r.lines > 0, `${host} has no fresh count`);
  }
};

test('a frozen sshd (SIGSTOP) turns its host stale, then timed out, while the others update every tick; it recovers after SIGCONT', async () => {
  const { ticker } = setup();
  try {
    await ticker.until(allOk, 20);
    fleet.victim.signal('SIGSTOP');
    // Stale once its sample in flight is an interval late (as the watch shows a host), never ok meanwhile.
    await ticker.until((s) => row(s, 'victim').status === 'stale', Math.ceil(TIMEOUT_MS / INTERVAL_MS) + 3, healthyUpdated);
    // Stale until its own timeout fires, then a timeout failure; the others never wait.
    await ticker.until((s) => row(s, 'victim').status === 'timeout', 3 * Math.ceil(TIMEOUT_MS / INTERVAL_MS) + 5, (s) => {
      healthyUpdated(s);
      assert.notEqual(row(s, 'victim').status, 'ok');
    });
    for (let i = 0; i < 4; i++) {
      const frozen = await ticker.tick();
      healthyUpdated(frozen);
      assert.notEqual(row(frozen, 'victim').status, 'ok');
    }
    fleet.victim.signal('SIGCONT');
    await ticker.until((s) => row(s, 'victim').status === 'ok' && row(s, 'victim').rate !== null, 60, healthyUpdated);
  } finally {
    fleet.victim.signal('SIGCONT');
    await ticker.stop();
  }
});

test('a killed sshd fails its host; after a restart the host reconnects without restarting pvlook', async () => {
  const { ticker } = setup();
  try {
    await ticker.until(allOk, 20);
    fleet.victim.signal('SIGKILL');
    await ticker.until((s) => !['ok', 'stale'].includes(row(s, 'victim').status), 20, healthyUpdated);
    assert.match(row(ticker.snapshots.at(-1)!, 'victim').status, /^(refused|unreachable|timeout)$/);
    await fleet.victim.restart();
    await ticker.until((s) => row(s, 'victim').status === 'ok' && row(s, 'victim').rate !== null, 80, healthyUpdated);
  } finally {
    await ticker.stop();
  }
});
