/**
 * The exporter as a function of each snapshot: series that no longer exist
 * are gone, a failing host keeps only its up and age, counters run on, and
 * exporting problems never stop the watch. Unit tests, no hosts involved.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Row } from '../../src/core/snapshot.js';
import { MetricsExporter } from '../../src/export/exporter.js';
import { WebServer } from '../../src/web/web-server.js';
import { FleetMetrics } from '../../src/export/fleet-metrics.js';
import { row, snapshotOf } from '../helpers/rows.js';

const errors = [{ name: 'errors', lines: 2, rate: 1, share: 0.1 }];
/** What the sampler keeps for a log so far: its lines and matches since watching began. */
const counted = (lines: number, matches: Record<string, number> = {}) => ({ counted: { lines, matches } });

async function exported(metrics: FleetMetrics, rows: Row[]): Promise<string[]> {
  metrics.update(snapshotOf(rows));
  return (await metrics.text()).split('\n').filter((line) => line !== '' && !line.startsWith('#'));
}

const ofHost = (lines: string[], host: string) => lines.filter((line) => line.includes(`host="${host}"`));

test('a host that fails keeps only pvlook_host_up 0 and its age: no rate, pattern or counter from before', async () => {
  const metrics = new FleetMetrics();
  const good = row({ host: 'web01', rate: 10, lines: 20, history: [10], patterns: errors, age: 0.2, ...counted(20, { errors: 2 }) });
  const before = await exported(metrics, [good]);
  assert.deepEqual(ofHost(before, 'web01').map((line) => line.split('{')[0]).sort(), [
    'pvlook_host_sample_age_seconds',
    'pvlook_host_up',
    'pvlook_log_lines_per_second',
    'pvlook_log_lines_total',
    'pvlook_log_pattern_lines_per_second',
    'pvlook_log_pattern_lines_total',
  ]);
  const after = await exported(metrics, [row({ host: 'web01', status: 'refused', error: 'connection refused', age: 7 })]);
  assert.deepEqual(ofHost(after, 'web01').sort(), ['pvlook_host_sample_age_seconds{host="web01"} 7', 'pvlook_host_up{host="web01"} 0']);
  assert.ok(after.includes('pvlook_logs{state="failed"} 1'));
});

test('counters are the sampler\'s running counts: a snapshot taken twice of one sample counts it once; they hold while stale and run on after a failure', async () => {
  const metrics = new FleetMetrics();
  const labels = 'host="a",group="default",log="/var/log/a.log"';
  const count = (lines: string[]) => lines.find((line) => line.startsWith(`pvlook_log_lines_total{${labels}}`));
  assert.equal(count(await exported(metrics, [row({ host: 'a', lines: null, history: [null], age: 0, ...counted(0) })])), `pvlook_log_lines_total{${labels}} 0`);
  assert.equal(count(await exported(metrics, [row({ host: 'a', rate: 5, lines: 10, history: [null, 5], ...counted(10) })])), `pvlook_log_lines_total{${labels}} 10`);
  // The same sample in two snapshots (a tick came before the host's next answer): not 20.
  assert.equal(count(await exported(metrics, [row({ host: 'a', rate: 5, lines: 10, history: [null, 5], ...counted(10) })])), `pvlook_log_lines_total{${labels}} 10`);
  // Two samples between snapshots: both counted, not only the last.
  assert.equal(count(await exported(metrics, [row({ host: 'a', rate: 6, lines: 12, history: [null, 5, 6, 6], ...counted(34) })])), `pvlook_log_lines_total{${labels}} 34`);
  const stale = await exported(metrics, [row({ host: 'a', status: 'stale', error: 'waiting', history: [null, 5, 6], age: 2 })]);
  assert.equal(count(stale), `pvlook_log_lines_total{${labels}} 34`, 'nothing new is known: the count holds');
  assert.equal(stale.filter((line) => line.startsWith('pvlook_log_lines_per_second')).length, 0, 'but there is no current rate');
  assert.equal(count(await exported(metrics, [row({ host: 'a', status: 'timeout', error: 'no answer', age: 12 })])), undefined, 'absent while the host fails');
  assert.equal(count(await exported(metrics, [row({ host: 'a', lines: null, history: [null], age: 0, ...counted(34) })])), `pvlook_log_lines_total{${labels}} 34`, 'back with its running count: no reset');
});

test('series of a file, a log or a pattern that is gone are removed', async () => {
  const metrics = new FleetMetrics();
  const file = (log: string, rate: number) => row({ host: 'a', log, rate, lines: rate, history: [rate], patterns: errors, ...counted(rate, { errors: 2 }) });
  const both = await exported(metrics, [file('/l/x.log', 1), file('/l/y.log', 2)]);
  assert.equal(both.filter((line) => line.includes('log="/l/y.log"')).length, 4);
  const one = await exported(metrics, [file('/l/x.log', 1)]);
  assert.deepEqual(one.filter((line) => line.includes('log="/l/y.log"')), []);
  assert.equal(one.filter((line) => line.includes('log="/l/x.log"')).length, 4);
  const gone = await exported(metrics, [row({ host: 'b', rate: 1, lines: 1, history: [1], ...counted(1) })]);
  assert.deepEqual(ofHost(gone, 'a'), [], 'a host no longer watched leaves nothing behind');
});

test('a --textfile that cannot be written is reported once, counted, and does not stop updates; recovery is reported', async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'pvlook-textfile-'));
  try {
    const file = path.join(dir, 'missing-folder', 'pvlook.prom');
    const warnings: string[] = [];
    const exporter = new MetricsExporter(file, { warn: (message) => warnings.push(message) });
    const snapshot = snapshotOf([row({ host: 'a', rate: 1, lines: 1, history: [1] })]);
    for (let i = 0; i < 3; i++) await exporter.update(snapshot);
    assert.deepEqual(warnings, [`--textfile ${file}: cannot write (no such folder); watching goes on`]);
    assert.match(await exporter.metrics.text(), /^pvlook_export_errors_total\{target="textfile"\} 3$/m);
    mkdirSync(path.dirname(file));
    await exporter.update(snapshot);
    assert.deepEqual(warnings.slice(1), [`--textfile ${file}: written again`]);
    assert.match(readFileSync(file, 'utf8'), /^pvlook_export_errors_total\{target="textfile"\} 3$/m, 'the file itself says how many writes failed');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a /metrics client that sends garbage or hangs up is counted and reported, and serving goes on', async () => {
  const warnings: string[] = [];
  let warned: () => void = () => undefined;
  const exporter = new MetricsExporter(null, {
    served: true,
    warn: (message) => {
      warnings.push(message);
      warned();
    },
  });
  const server = await WebServer.start({ address: { host: '127.0.0.1', port: 0 }, token: null, page: false, metrics: { scrape: () => exporter.scrape(), failed: (message) => exporter.clientFailed(message) } });
  const url = `${server.url}metrics`;
  try {
    const { port } = new URL(url);
    // A client that resets its connection in the middle of a request.
    const reset = connect(Number(port), '127.0.0.1', () => {
      reset.write('GET /metrics HTTP/1.1\r\nHost: x\r\n\r\n');
      reset.resetAndDestroy();
    });
    reset.on('error', () => undefined);
    // A client that sends something that is not HTTP.
    const reported = new Promise<void>((resolve) => (warned = resolve));
    const garbage = connect(Number(port), '127.0.0.1', () => garbage.write('\u0000\u0001 not http\r\n\r\n'));
    garbage.on('error', () => undefined);
    garbage.resume();
    await reported;
    assert.match(warnings[0] ?? '', /^a \/metrics client failed \(/);
    const response = await fetch(url);
    assert.equal(response.status, 200);
    assert.match(await response.text(), /^pvlook_export_errors_total\{target="http"\} [1-9]/m);
    garbage.destroy();
  } finally {
    await server.close();
  }
});
