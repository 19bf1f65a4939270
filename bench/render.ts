/**
 * Watch-mode render cost: time to build one live-view frame for a fleet of
 * N hosts (sort, group, lay out, format the visible part), median of many
 * frames, for terminals of two sizes.
 *
 *   npm run bench:render [-- --hosts 100,1000,5000 --frames 50 --json]
 */
import { parseArgs } from 'node:util';
import { DEFAULT_TREND } from '../src/core/trend.js';
import { totalOf, type Row } from '../src/core/snapshot.js';
import { renderFrame } from '../src/render/live-frame.js';
import { makeStyle } from '../src/render/style.js';
import { renderTable } from '../src/render/table.js';
import { Terminal } from '../src/render/terminal.js';
import { INITIAL_VIEW } from '../src/render/view-state.js';
import { Writable } from 'node:stream';
import { median, round } from './stats.js';

const { values } = parseArgs({ options: { hosts: { type: 'string', default: '100,1000,5000' }, frames: { type: 'string', default: '50' }, json: { type: 'boolean', default: false } } });
const sizes = values.hosts.split(',').map(Number);
const frames = Number(values.frames);
const style = makeStyle(true);
// A terminal that throws its output away, so the clipping pass is measured too.
const sink = Object.assign(new Writable({ write: (_chunk, _encoding, done) => done() }), { isTTY: true, columns: 160, rows: 45 });
const terminal = new Terminal(sink, null);

function fleet(size: number): Row[] {
  return Array.from({ length: size }, (_, i) => ({
    host: `web${String(i + 1).padStart(5, '0')}`,
    group: ['nginx', 'api', 'cdn'][i % 3]!,
    log: '/var/log/nginx/access.log',
    rate: (i * 37) % 900,
    lines: (i * 37) % 900,
    trend: (['up', 'down', 'flat'] as const)[i % 3]!,
    change: ((i * 13) % 50) - 25,
    history: Array.from({ length: 60 }, (_, k) => ((i + k) * 7) % 500),
    age: 0,
    patterns: null,
    status: i % 97 === 5 ? 'refused' : 'ok',
    error: null,
  }));
}

function time(fn: () => void): number {
  const samples: number[] = [];
  for (let i = 0; i < frames; i++) {
    const start = process.hrtime.bigint();
    fn();
    samples.push(Number(process.hrtime.bigint() - start) / 1e6);
  }
  return round(median(samples), 2);
}

const results = sizes.map((hosts) => {
  const rows = fleet(hosts);
  const snapshot = { time: Date.now(), intervalMs: 1000, tick: 1, roundMs: 0, rows, total: totalOf(rows) };
  const frame = (width: number, height: number, sort: 'name' | 'rate') => () =>
    renderFrame({ snapshot, totals: Array.from({ length: 60 }, (_, i) => i), view: { ...INITIAL_VIEW, sort }, size: { width, height }, style, trend: DEFAULT_TREND });
  return {
    hosts,
    frame_ms_160x45: time(frame(160, 45, 'name')),
    frame_ms_160x45_sorted_by_rate: time(frame(160, 45, 'rate')),
    frame_ms_80x24: time(frame(80, 24, 'name')),
    frame_and_write_ms_160x45: time(() => terminal.frame(frame(160, 45, 'name')().text)),
    // For comparison: the whole fleet as one cli-table3 table, as a naive view would draw it.
    cli_table3_all_rows_ms: hosts <= 1000 ? time(() => renderTable(snapshot, style)) : null,
  };
});

if (values.json) console.log(JSON.stringify({ results }));
else console.table(results);
