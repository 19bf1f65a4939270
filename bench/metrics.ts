/**
 * What a Prometheus scrape of one pvlook costs: FleetMetrics.update (run on
 * every snapshot) and the exposition text (built on every scrape), and the
 * size of that text, for fleets of N hosts with one log and one pattern each.
 *
 *   npm run bench:metrics [-- --hosts 1000,5000 --runs 30 --json]
 */
import { parseArgs } from 'node:util';
import { totalOf, type Row, type Snapshot } from '../src/core/snapshot.js';
import { FleetMetrics } from '../src/export/fleet-metrics.js';
import { median, round } from './stats.js';

const { values } = parseArgs({ options: { hosts: { type: 'string', default: '1000,5000' }, runs: { type: 'string', default: '30' }, json: { type: 'boolean', default: false } } });
const sizes = values.hosts.split(',').map(Number);
const runs = Number(values.runs);

function snapshot(size: number, tick: number): Snapshot {
  const rows: Row[] = Array.from({ length: size }, (_, i) => {
    const lines = 100 + ((i * 37 + tick) % 900);
    return {
      host: `web${String(i + 1).padStart(5, '0')}.dc${i % 4}.example.com`,
      group: ['nginx', 'api', 'cdn'][i % 3]!,
      log: '/var/log/nginx/access.log',
      rate: lines,
      lines,
      trend: 'flat',
      change: 0,
      history: [],
      age: 0.4,
      patterns: [{ name: 'errors', lines: lines % 7, rate: lines % 7, share: (lines % 7) / lines }],
      status: 'ok',
      error: null,
    };
  });
  return { time: tick * 1000, intervalMs: 1000, tick, roundMs: 300, rows, total: totalOf(rows) };
}

const results = [];
for (const size of sizes) {
  const metrics = new FleetMetrics();
  const updates: number[] = [];
  const scrapes: number[] = [];
  let bytes = 0;
  for (let tick = 0; tick < runs; tick++) {
    const snap = snapshot(size, tick);
    let start = process.hrtime.bigint();
    metrics.update(snap);
    updates.push(Number(process.hrtime.bigint() - start) / 1e6);
    start = process.hrtime.bigint();
    const text = await metrics.text();
    scrapes.push(Number(process.hrtime.bigint() - start) / 1e6);
    bytes = Buffer.byteLength(text);
  }
  results.push({ hosts: size, updateMs: round(median(updates), 2), scrapeMs: round(median(scrapes), 2), kib: Math.round(bytes / 1024) });
}
if (values.json) console.log(JSON.stringify(results));
else for (const r of results) console.log(`${r.hosts} hosts: update ${r.updateMs} ms per snapshot, exposition ${r.scrapeMs} ms per scrape, ${r.kib} KiB`);
