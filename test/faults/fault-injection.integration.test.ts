/**
 * Faults injected into real sshd processes while pvlook keeps sampling:
 * a frozen server, a killed and restarted one. Every other host must keep
 * updating on every tick, and the broken one must recover by itself.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Snapshot } from '../../src/core/snapshot.js';
import { startSshd, type Sshd } from '../helpers/sshd.js';
import { appendLines, makeLog, plan, sampler } from '../helpers/fleet.js';
import { Ticker } from '../helpers/ticker.js';
import { SshTransport } from '../../src/transport/ssh-transport.js';
import { openSshResolver } from '../../src/transport/ssh-settings.js';
import { joinedSshConfig } from '../helpers/joined-ssh-config.js';

const INTERVAL_MS = 500;
const TIMEOUT_MS = 2000;

let healthy: Sshd;
let victim: Sshd;
let writer: NodeJS.Timeout;
let logs: string[];
let sshConfig: string;

before(async () => {
  healthy = await startSshd({ hostCount: 2 });
  victim = await startSshd({ hostCount: 1 });
  logs = [makeLog(healthy, 'a.log'), makeLog(victim, 'b.log')];
  writer = setInterval(() => logs.forEach((log) => appendLines(log, 2)), 10);
  // One ssh_config naming both servers' hosts: good1, good2 and victim.
  sshConfig = joinedSshConfig(healthy.dir, 'faults', [['good1', healthy, 0], ['good2', healthy, 1], ['victim', victim, 0]]);
});
after(async () => {
  clearInterval(writer);
  await victim?.stop();
  await healthy?.stop();
});

function setup() {
  const transport = new SshTransport({ resolveSettings: openSshResolver(sshConfig, healthy.dir), agentSocket: undefined, keepaliveMs: 500 });
  const s = sampler([plan('good1', logs[0]!), plan('good2', logs[0]!), plan('victim', logs[1]!)], transport, TIMEOUT_MS, INTERVAL_MS);
  return { ticker: new Ticker(s, INTERVAL_MS) };
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
    victim.signal('SIGSTOP');
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
    victim.signal('SIGCONT');
    await ticker.until((s) => row(s, 'victim').status === 'ok' && row(s, 'victim').rate !== null, 60, healthyUpdated);
  } finally {
    victim.signal('SIGCONT');
    await ticker.stop();
  }
});

test('a killed sshd fails its host; after a restart the host reconnects without restarting pvlook', async () => {
  const { ticker } = setup();
  try {
    await ticker.until(allOk, 20);
    victim.signal('SIGKILL');
    await ticker.until((s) => !['ok', 'stale'].includes(row(s, 'victim').status), 20, healthyUpdated);
    assert.match(row(ticker.snapshots.at(-1)!, 'victim').status, /^(refused|unreachable|timeout)$/);
    await victim.restart();
    await ticker.until((s) => row(s, 'victim').status === 'ok' && row(s, 'victim').rate !== null, 80, healthyUpdated);
  } finally {
    await ticker.stop();
  }
});
