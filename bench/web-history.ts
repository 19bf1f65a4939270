/**
 * What the web view's history costs pvlook: memory held for ten minutes of
 * one-second ticks (600 slots) at N logs, a third of them counting one
 * pattern, and the time to record one tick and to build a page's first
 * state. Memory is measured after a forced GC (run with --expose-gc).
 *
 *   node --expose-gc --import tsx bench/web-history.ts [--hosts 1000,5000]
 */
import { parseArgs } from 'node:util';
import { FleetHistory, historySlots } from '../src/core/fleet-history.js';
import { totalOf, type Row, type Snapshot } from '../src/core/snapshot.js';
import { StreamEncoder } from '../src/web/stream-encoder.js';
import { median, round } from './stats.js';

const { values } = parseArgs({ options: { hosts: { type: 'string', default: '1000,5000' } } });
const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) throw new Error('run with node --expose-gc');

function snapshot(size: number, tick: number): Snapshot {
  const rows: Row[] = Array.from({ length: size }, (_, i) => {
    const rate = 50 + ((i * 37) % 400) + 30 * Math.sin(tick / 3 + i);
    return {
      host: `web${String(i + 1).padStart(4, '0')}`,
      group: ['nginx', 'api', 'cdn'][i % 3]!,
      log: '/var/log/nginx/access.log',
      rate,
      lines: Math.round(rate),
      trend: 'flat',
      change: 0,
      history: [],
      age: 0.5,
      patterns: i % 3 === 0 ? [{ name: '5xx', lines: 1, rate: rate / 100, share: 0.01 }] : null,
      status: 'ok',
      error: null,
    };
  });
  return { time: Date.UTC(2026, 11, 2) + tick * 1000, intervalMs: 1000, tick, roundMs: 5, rows, total: totalOf(rows) };
}

const used = () => {
  gc();
  const memory = process.memoryUsage();
  return memory.heapUsed + memory.arrayBuffers;
};

const results = [];
for (const size of values.hosts.split(',').map(Number)) {
  const slots = historySlots(1000);
  const ticks = Array.from({ length: 4 }, (_, i) => snapshot(size, i));
  const before = used();
  const history = new FleetHistory(slots);
  const records: number[] = [];
  for (let tick = 0; tick < slots; tick++) {
    const started = performance.now();
    history.record(ticks[tick % ticks.length]!);
    records.push(performance.now() - started);
  }
  const held = used() - before;
  const encoder = new StreamEncoder();
  for (let tick = 0; tick < 20; tick++) encoder.encode(snapshot(size, tick));
  const states: number[] = [];
  for (let i = 0; i < 5; i++) {
    encoder.encode(snapshot(size, 100 + i));
    const started = performance.now();
    encoder.state();
    states.push(performance.now() - started);
  }
  results.push({ logs: size, slots, history_mb: round(held / 2 ** 20, 1), bytes_per_log: Math.round(held / size), record_ms_median: round(median(records), 2), state_ms_median: round(median(states), 1) });
  void history.length;
}
console.table(results);
