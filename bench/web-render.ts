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
 * The stream's size is measured beside it, on the same synthetic fleet, by
 * plain HTTP clients of /events: what a page receives per tick (gzip, as
 * browsers accept it, and without), what its first whole state weighs, and
 * for comparison `?full`, each tick's whole --json object (what every page
 * received before the stream sent changes only). Per tick is per second at
 * the default one-second interval.
 *
 *   npm run bench:web [-- --hosts 1000,2000 --updates 60 --every 250 --json --stream-only --no-peers]
 */
import { request } from 'node:http';
import { parseArgs } from 'node:util';
import type { Row, Snapshot } from '../src/core/snapshot.js';
import { peerVerdicts } from '../src/core/peers.js';
import { DEFAULT_PEER_OPTIONS } from '../src/core/peer-compare.js';
import { totalOf } from '../src/core/snapshot.js';
import { WebServer } from '../src/web/web-server.js';
import { launchBrowser, type TestBrowser } from '../test/helpers/browser.js';
import { median, percentile, round } from './stats.js';
import { until } from '../test/helpers/until.js';

const { values } = parseArgs({
  options: {
    hosts: { type: 'string', default: '1000,2000' },
    updates: { type: 'string', default: '60' },
    every: { type: 'string', default: '250' },
    json: { type: 'boolean', default: false },
    /** measure the stream only, without the browser */
    'stream-only': { type: 'boolean', default: false },
    'no-peers': { type: 'boolean', default: false },
  },
});
const sizes = values.hosts.split(',').map(Number);
const updates = Number(values.updates);
const everyMs = Number(values.every);
const WARMUP = 10;
const GROUPS = ['nginx', 'api', 'cdn'];

/** Each host's last rates, which the peer verdicts compare (as the sampler's rows carry them). */
const histories = new Map<string, (number | null)[]>();

/**
 * A fleet like the demo's: three groups, the web servers counting 5xx, one
 * host in a hundred down, one in 25 odd among its peers, and peers on (the
 * default): each log's and each
 * 5xx share's verdict from pvlook's own peerVerdicts, so ratio and median
 * move every tick as they do live.
 */
function snapshot(size: number, tick: number): Snapshot {
  const rows: Row[] = Array.from({ length: size }, (_, i) => {
    const down = i % 100 === 13;
    // A load-balanced pool is alike: rates within a factor of two of each other, and one host in 25 far below
    // them, odd among its peers (the demo's fleet has 12 odd of 300).
    const rate = down ? null : i % 25 === 7 ? 40 + 10 * Math.sin(tick / 3 + i) : 180 + ((i * 37) % 140) + 30 * Math.sin(tick / 3 + i);
    const key = `${size}:${i}`;
    const history = [...(histories.get(key) ?? []), rate].slice(-10);
    histories.set(key, history);
    return {
      host: `${GROUPS[i % 3]}${String(i + 1).padStart(4, '0')}`,
      group: GROUPS[i % 3]!,
      log: '/var/log/nginx/access.log',
      rate,
      lines: rate === null ? null : Math.round(rate),
      trend: rate === null ? null : (['up', 'down', 'flat'] as const)[(i + tick) % 3]!,
      change: rate === null ? null : 30 * Math.sin(tick / 3 + i) - 30 * Math.sin((tick - 1) / 3 + i),
      history,
      // Each host answers at its own moment within the interval: ages differ every tick.
      age: down ? tick : ((i * 7 + tick * 3) % 10) / 10,
      patterns: rate !== null && i % 3 === 0 ? [{ name: '5xx', lines: Math.round(rate / 100), rate: rate / 100, share: 0.01 + 0.002 * Math.sin(tick + i), history: [0.01, 0.01, 0.01] }] : null,
      status: down ? 'refused' : 'ok',
      error: down ? 'connection refused by 192.0.2.1:22' : null,
    };
  });
  if (!values['no-peers']) {
    const { rates, shares } = peerVerdicts(rows, () => DEFAULT_PEER_OPTIONS);
    rows.forEach((row, index) => {
      const peer = rates[index];
      if (!peer) return;
      row.peer = peer;
      for (const counted of row.patterns ?? []) {
        const share = shares.get(counted.name)?.[index];
        if (share) counted.peer = share;
      }
    });
  }
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

/** Bytes a plain client of `path` receives: before the first publish after it connects (the first state), and per tick after. */
async function streamBytes(web: WebServer, size: number, path: string, gzip: boolean, ticks = 10): Promise<{ first: number; perTick: number }> {
  let tick = 1000;
  for (let i = 0; i < 5; i++) web.publish(snapshot(size, tick++));
  let received = 0;
  const client = request(`${web.url}${path}`, { headers: gzip ? { 'accept-encoding': 'gzip, deflate, br, zstd' } : {} }, (response) => response.on('data', (chunk: Buffer) => (received += chunk.length)));
  client.on('error', () => {});
  client.end();
  await until(() => web.events.size === 1 && received > 0);
  await settle(() => received);
  const first = received;
  for (let i = 0; i < ticks; i++) {
    web.publish(snapshot(size, tick++));
    await settle(() => received);
  }
  client.destroy();
  await until(() => web.events.size === 0);
  return { first, perTick: (received - first) / ticks };
}

/** Wait until a count stops growing for 200 ms. */
async function settle(count: () => number): Promise<void> {
  let last = -1;
  while (count() !== last) {
    last = count();
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

interface Render {
  script: number;
  total: number;
}

/** One page in headless Chromium following a fleet of `size` hosts: its update times. */
async function renderCost(chromium: TestBrowser, size: number) {
  const web = await WebServer.start({ address: { host: '127.0.0.1', port: 0 }, token: null });
  const page = await chromium.browser.newPage();
  try {
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
    return {
      hosts: size,
      cells,
      updates: renders.length,
      script_ms_median: round(median(renders.map((r) => r.script)), 1),
      script_ms_p90: round(percentile(renders.map((r) => r.script), 90), 1),
      with_layout_ms_median: round(median(renders.map((r) => r.total)), 1),
      with_layout_ms_p90: round(percentile(renders.map((r) => r.total), 90), 1),
      floor_ms: round(floor, 1),
    };
  } finally {
    await page.close();
    await web.close();
  }
}

/** What one page receives at `size` hosts, against each tick's whole object. */
async function streamCost(size: number) {
  const stream = await WebServer.start({ address: { host: '127.0.0.1', port: 0 }, token: null });
  try {
    const gzipped = await streamBytes(stream, size, 'events', true);
    const plain = await streamBytes(stream, size, 'events', false);
    const full = await streamBytes(stream, size, 'events?full', false);
    return {
      hosts: size,
      tick_kb_gzip: round(gzipped.perTick / 1024, 1),
      tick_kb_plain: round(plain.perTick / 1024, 1),
      first_state_kb_gzip: round(gzipped.first / 1024, 1),
      first_state_kb_plain: round(plain.first / 1024, 1),
      full_json_tick_kb: round(full.perTick / 1024, 1),
    };
  } finally {
    await stream.close();
  }
}

const chromium = values['stream-only'] ? null : await launchBrowser();
const results = [];
const streams = [];
try {
  for (const size of sizes) {
    if (chromium) results.push(await renderCost(chromium, size));
    streams.push(await streamCost(size));
  }
} finally {
  await chromium?.close();
}

if (values.json) console.log(JSON.stringify({ results, streams }));
else {
  if (results.length > 0) console.table(results);
  console.table(streams);
}
