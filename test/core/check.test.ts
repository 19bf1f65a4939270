import { test } from 'node:test';
import assert from 'node:assert/strict';
import { judgeFleet, judgeRow, statusLine } from '../../src/core/check.js';
import { STATE_CODE } from '../../src/core/exit-codes.js';
import { row } from '../helpers/rows.js';
import { parsePluginOutput } from '../helpers/nagios.js';

test('below the minimum or above the maximum is CRITICAL; a drop beyond max-drop is a WARNING', () => {
  assert.equal(judgeRow(row({ host: 'a', rate: 50, history: [50] }), { minRate: 10, maxRate: 100 }).state, 'OK');
  const low = judgeRow(row({ host: 'a', rate: 0.5, history: [0.5] }), { minRate: 1 });
  assert.deepEqual([low.state, low.reasons], ['CRITICAL', ['0.5/s < 1/s']]);
  assert.equal(judgeRow(row({ host: 'a', rate: 500, history: [500] }), { maxRate: 100 }).state, 'CRITICAL');
  const drop = judgeRow(row({ host: 'a', rate: 40, history: [100, 100, 40] }), { maxDrop: 50 });
  assert.deepEqual([drop.state, Math.round(drop.drop!)], ['WARNING', 60]);
  assert.equal(judgeRow(row({ host: 'a', rate: 60, history: [100, 100, 60] }), { maxDrop: 50 }).state, 'OK');
  // Gaps in the history are skipped, not counted as zero.
  assert.equal(judgeRow(row({ host: 'a', rate: 90, history: [100, null, 90] }), { maxDrop: 20 }).state, 'OK');
  const failed = judgeRow(row({ host: 'a', status: 'refused', error: 'connection refused by a:22' }), { minRate: 1 });
  assert.deepEqual([failed.state, failed.reasons], ['WARNING', ['refused: connection refused by a:22']]);
});

test('the fleet takes the worst state; nothing sampled at all is UNKNOWN', () => {
  const rows = [row({ host: 'a', rate: 5, history: [5] }), row({ host: 'b', rate: 0, history: [0] }), row({ host: 'c', status: 'dns', error: 'cannot resolve c' })];
  assert.equal(judgeFleet(rows, () => ({})).state, 'WARNING');
  assert.equal(judgeFleet(rows, () => ({ minRate: 1 })).state, 'CRITICAL');
  assert.equal(judgeFleet([rows[2]!], () => ({ minRate: 1 })).state, 'UNKNOWN');
  assert.equal(judgeFleet([], () => ({})).state, 'UNKNOWN');
  assert.deepEqual(STATE_CODE, { OK: 0, WARNING: 1, CRITICAL: 2, UNKNOWN: 3 });
});

test('one status line with valid perfdata, read back as Nagios would', () => {
  const rows = [
    row({ host: 'web01', group: 'nginx', rate: 123.4567, history: [123.4567] }),
    row({ host: "o'brien", group: 'api', rate: 0, history: [0] }),
    row({ host: 'web03', group: 'nginx', status: 'timeout', error: 'no answer within 10s' }),
  ];
  const limits = (group: string) => (group === 'api' ? { minRate: 1, maxRate: 1000 } : { minRate: 5 });
  const line = statusLine(judgeFleet(rows, limits));
  assert.ok(!line.includes('\n'));
  const parsed = parsePluginOutput(line);
  assert.equal(parsed.state, 'CRITICAL');
  assert.match(parsed.text, /^3 logs, 123\.457 lines\/s in total; o'brien \(api\) CRITICAL: 0\/s < 1\/s; web03 \(nginx\) WARNING: timeout: no answer within 10s$/);
  assert.deepEqual(parsed.perf, [
    { label: 'web01 nginx', value: 123.457, warn: '', crit: '5:', min: '0', max: '' },
    { label: "o'brien api", value: 0, warn: '', crit: '1:1000', min: '0', max: '' },
    { label: 'web03 nginx', value: 'U', warn: '', crit: '5:', min: '0', max: '' },
    { label: 'total', value: 123.457, warn: '', crit: '', min: '0', max: '' },
  ]);
});

test('a long list of problems stays one readable line', () => {
  const rows = Array.from({ length: 40 }, (_, i) => row({ host: `h${i}`, rate: 0, history: [0] }));
  const line = statusLine(judgeFleet(rows, () => ({ minRate: 1 })));
  assert.match(line, /and 35 more \|/);
  assert.equal(parsePluginOutput(line).perf.length, 41);
});
