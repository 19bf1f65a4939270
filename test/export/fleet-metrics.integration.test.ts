/** What the exporter writes passes Prometheus's own parser (promtool check metrics), hostile label values included. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { FleetMetrics } from '../../src/export/fleet-metrics.js';
import { row, snapshotOf } from '../helpers/rows.js';
import { unsafeCharacters } from '../helpers/unsafe.js';

async function exported(metrics: FleetMetrics, rows: Parameters<typeof snapshotOf>[0]): Promise<string[]> {
  metrics.update(snapshotOf(rows));
  return (await metrics.text()).split('\n').filter((line) => line !== '' && !line.startsWith('#'));
}

test('label values from a host are escaped; promtool accepts the result', async () => {
  const metrics = new FleetMetrics();
  const lines = await exported(metrics, [row({ host: 'web01', log: '/l/\u001b]0;t\u0007\u202e"x\\.log', rate: 1, lines: 1, history: [1] })]);
  const text = lines.join('\n');
  assert.deepEqual(unsafeCharacters(text), []);
  // The host's backslash is doubled by pvlook's escaping, then again by the exposition format.
  assert.ok(text.includes('log="/l/\\\\x1b]0;t\\\\x07\\\\u202e\\"x\\\\\\\\.log"'), text);
  const checked = spawnSync('promtool', ['check', 'metrics'], { input: await metrics.text() });
  if (checked.error) throw new Error(`promtool is needed for this test (Debian: apt-get install prometheus): ${checked.error.message}`);
  assert.equal(checked.status, 0, `${checked.stdout}${checked.stderr}`);
});
