/**
 * Web view render cost, measured in the browser: a synthetic fleet of N hosts
 * is published through the real web server every `--every` ms, every rate
 * changing every time (the worst case), and headless Chromium's page times
 * each update with performance.now(): its own script (store, sort, cell
 * texts), and script plus the browser's style and layout of the changes
 * (forced right after the update). Median and p90 over `--updates` updates,
 * after a warm-up, at 1920x1080. Paint and compositing come after and are
 * not included. For scale, `floor_ms` is what the same browser takes to
 * rewrite and lay out N bare one-line text elements (no page logic at all):
 * the least any DOM view that changes every cell can cost on this machine.
 *
 *   npm run bench:web [-- --hosts 1000,2000 --updates 60 --every 250 --json]
 */
import { parseArgs } from 'node:util';
import type { Row, Snapshot } from '../src/core/snapshot.js';
import { totalOf } from '../src/core/snapshot.js';
import { WebServer } from '../src/web/web-server.js';
import { launchBrowser } from '../test/helpers/browser.js';
import { median, percentile, round } from './stats.js';

const { values } = parseArgs({
  options: {
    hosts: { type: 'string', default: '1000,2000' },
    updates: { type: 'string', default: '60' },
    every: { type: 'string', default: '250' },
    json: { type: 'boolean', default: false },
  },
});
const sizes = values.hosts.split(',').map(Number);
const updates = Number(values.updates);
const everyMs = Number(values.every);
const WARMUP = 10;
const GROUPS = ['nginx', 'api', 'cdn'];

/** A fleet like the demo's: three groups, the web servers counting 5xx, one host in a hundred down. */
function snapshot(size: number, tick: number): Snapshot {
  const rows: Row[] = Array.from({ length: size }, (_, i) => {
    const down = i % 100 === 13;
    const rate = down ? null : 50 + ((i * 37) % 400) + 30 * Math.sin(tick / 3 + i);
    return {
      host: `${GROUPS[i % 3]}${String(i + 1).padStart(4, '0')}`,
      group: GROUPS[i % 3]!,
      log: '/var/log/nginx/access.log',
      rate,
      lines: rate === null ? null : Math.round(rate),
      trend: rate === null ? null : (['up', 'down', 'flat'] as const)[(i + tick) % 3]!,
      change: 0,
      history: [],
      age: down ? tick : 0,
      patterns: rate !== null && i % 3 === 0 ? [{ name: '5xx', lines: Math.round(rate / 100), rate: rate / 100, share: 0.01 }] : null,
      status: down ? 'refused' : 'ok',
      error: down ? 'connection refused by 192.0.2.1:22' : null,
    };
  });
  return { time: Date.now(), intervalMs: everyMs, tick, roundMs: 5, rows, total: totalOf(rows) };
}

/** In the page: N bare contain:strict lines in a grid, every text rewritten, layout forced; median of 21. */
const FLOOR = `(() => {
  const box = document.createElement('div');
  box.style.cssText = 'position:fixed;inset:0;display:grid;grid-template-columns:repeat(auto-fill,minmax(200px,1fr));font:11px/1.3 monospace;visibility:visible';
  const texts = [];
  for (let i = 0; i < SIZE; i++) {
    const line = document.createElement('div');
    line.style.cssText = 'height:1.3em;contain:strict;white-space:pre';
    line.textContent = '-';
    texts.push(line.firstChild);
    box.append(line);
  }
  document.body.append(box);
  void document.body.offsetHeight;
  const times = [];
  for (let k = 0; k < 21; k++) {
    const started = performance.now();
    texts.forEach((text, i) => (text.data = 'web' + i + ' ' + String((i * 37 + k * 11) % 1000).padStart(6) + ' ▲ ▁▂▃▄▅▆▇█'.slice(0, 4 + ((i + k) % 8))));
    void document.body.offsetHeight;
    times.push(performance.now() - started);
  }
  box.remove();
  return times.sort((a, b) => a - b)[10];
})()`;

interface Render {
  script: number;
  total: number;
}

const chromium = await launchBrowser();
const results = [];
try {
  for (const size of sizes) {
    const web = await WebServer.start({ address: { host: '127.0.0.1', port: 0 }, token: null });
    const page = await chromium.browser.newPage();
    await page.setViewport({ width: 1920, height: 1080 });
    await page.goto(web.url);
    await page.waitForFunction('window.pvlookStats !== undefined');
    let tick = 0;
    const timer = setInterval(() => web.publish(snapshot(size, tick++)), everyMs);
    await page.waitForFunction(`window.pvlookStats.events >= ${WARMUP + updates}`, { timeout: 0, polling: 100 });
    clearInterval(timer);
    const renders = ((await page.evaluate('window.pvlookStats.renders')) as Render[]).slice(-updates);
    const cells = Number(await page.evaluate(`document.querySelectorAll('.cell').length`));
    const floor = Number(await page.evaluate(FLOOR.replace('SIZE', String(size))));
    results.push({
      hosts: size,
      cells,
      updates: renders.length,
      script_ms_median: round(median(renders.map((r) => r.script)), 1),
      script_ms_p90: round(percentile(renders.map((r) => r.script), 90), 1),
      with_layout_ms_median: round(median(renders.map((r) => r.total)), 1),
      with_layout_ms_p90: round(percentile(renders.map((r) => r.total), 90), 1),
      floor_ms: round(floor, 1),
    });
    await page.close();
    await web.close();
  }
} finally {
  await chromium.close();
}

if (values.json) console.log(JSON.stringify({ results }));
else console.table(results);
