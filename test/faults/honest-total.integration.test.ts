/**
 * The fleet total and the metrics against real sshd hosts when a log rotates
 * and when a host dies: the total does not dip at a rotation, a dead host
 * drops out of it after the carry window, and its metrics keep only
 * pvlook_host_up 0 and its age. Every wait is for a condition, in ticks.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { renameSync } from 'node:fs';
import { CARRY_SECONDS } from '../../src/core/carry.js';
import type { Snapshot } from '../../src/core/snapshot.js';
import { FleetMetrics } from '../../src/export/fleet-metrics.js';
import { SshTransport } from '../../src/transport/ssh-transport.js';
import { openSshResolver } from '../../src/transport/ssh-settings.js';
import { startSshd, type Sshd } from '../helpers/sshd.js';
import { appendLines, makeLog, plan, sampler } from '../helpers/fleet.js';
import { Ticker } from '../helpers/ticker.js';
import { joinedSshConfig } from '../helpers/joined-ssh-config.js';

const INTERVAL_MS = 500;

let healthy: Sshd;
let victim: Sshd;
let writer: NodeJS.Timeout;
let logs: string[];
let sshConfig: string;

before(async () => {
  healthy = await startSshd({ hostCount: 2 });
  victim = await startSshd({ hostCount: 1 });
  logs = [makeLog(healthy, 'a.log'), makeLog(healthy, 'rotating.log'), makeLog(victim, 'b.log')];
  writer = setInterval(() => logs.forEach((log) => appendLines(log, 2)), 10);
  // One ssh_config naming both servers' hosts: good1, good2 and victim.
  sshConfig = joinedSshConfig(healthy.dir, 'honest', [['good1', healthy, 0], ['good2', healthy, 1], ['victim', victim, 0]]);
});
after(async () => {
  clearInterval(writer);
  await victim?.stop();
  await healthy?.stop();
});

function setup() {
  const transport = new SshTransport({ resolveSettings: openSshResolver(sshConfig, healthy.dir), agentSocket: undefined, keepaliveMs: 500 });
  const s = sampler([plan('good1', logs[0]!), plan('good2', logs[1]!), plan('victim', logs[2]!)], transport, 2000, INTERVAL_MS);
  return { ticker: new Ticker(s, INTERVAL_MS) };
}

const row = (snapshot: Snapshot, host: string) => snapshot.rows.find((r) => r.host === host)!;
const allRated = (snapshot: Snapshot) => snapshot.rows.every((r) => r.status === 'ok' && r.rate !== null);

test('a log rotated where the new file cannot be proven new reads unknown on its row, and the total carries its last rate instead of dipping', async () => {
  const { ticker } = setup();
  try {
    // The file that will take the log's name exists before the next readings: nothing proves its lines are new.
    const replacement = makeLog(healthy, 'rotating.next');
    await ticker.until(allRated, 20);
    const lastRate = row(ticker.snapshots.at(-1)!, 'good2').rate!;
    renameSync(logs[1]!, `${logs[1]}.1`);
    renameSync(replacement, logs[1]!);
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
    victim.signal('SIGKILL');
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
    await victim.restart();
    await ticker.stop();
  }
});
