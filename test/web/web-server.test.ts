/**
 * The web view's HTTP server on its own: the page and its headers, the token
 * and its throttle, the event stream (a whole state then each tick's
 * changes, or ?full for the --json object of each snapshot, gzip where
 * accepted), /history, /metrics on the same port, and a browser that stops
 * reading being dropped, not waited for.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { connect } from 'node:net';
import { inflateRawSync } from 'node:zlib';
import type { Row, Snapshot } from '../../src/core/snapshot.js';
import { renderJsonLine } from '../../src/render/json.js';
import { MetricsExporter } from '../../src/export/exporter.js';
import { WebServer } from '../../src/web/web-server.js';
import { cookieName } from '../../src/web/access.js';
import { until } from '../helpers/until.js';

const TOKEN = 'test-token-0123456789';

function snapshot(hosts: number, tick = 1): Snapshot {
  const rows: Row[] = Array.from({ length: hosts }, (_, i) => ({
    host: `web${i}`,
    group: 'nginx',
    log: '/var/log/nginx/access.log',
    rate: i + tick,
    lines: i,
    trend: 'flat',
    change: 0,
    history: [i],
    age: 0,
    patterns: null,
    status: 'ok',
    error: null,
  }));
  return { time: Date.UTC(2026, 10, 25) + tick * 1000, intervalMs: 1000, tick, roundMs: 5, rows, total: { rate: 0, ok: hosts, stale: 0, failed: 0, carried: 0, odd: 0 } };
}

interface Answer {
  status: number;
  headers: IncomingMessage['headers'];
  body: string;
}

function get(url: string, headers: Record<string, string> = {}): Promise<Answer> {
  return new Promise((resolve, reject) => {
    httpRequest(url, { headers }, (response) => {
      let body = '';
      response.on('data', (chunk: Buffer) => (body += chunk));
      response.on('end', () => resolve({ status: response.statusCode!, headers: response.headers, body }));
    })
      .on('error', reject)
      .end();
  });
}

/** Open /events and collect what arrives until `until` is satisfied. */
function stream(url: string, until: (text: string) => boolean, headers: Record<string, string> = {}): Promise<{ status: number; text: string; headers: IncomingMessage['headers'] }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(url, { headers }, (response) => {
      let text = '';
      const finish = () => {
        req.destroy();
        resolve({ status: response.statusCode!, text, headers: response.headers });
      };
      if (response.statusCode !== 200) return finish();
      response.on('data', (chunk: Buffer) => {
        text += chunk;
        if (until(text)) finish();
      });
    });
    req.on('error', (error) => (req.destroyed ? undefined : reject(error)));
    req.end();
  });
}

test('serves the page with a strict CSP, its modules, and 404 for anything else', async () => {
  const web = await WebServer.start({ address: { host: '127.0.0.1', port: 0 }, token: null });
  try {
    const page = await get(web.url);
    assert.equal(page.status, 200);
    assert.match(page.headers['content-type']!, /^text\/html/);
    assert.match(String(page.headers['content-security-policy']), /default-src 'self'; script-src 'self'/);
    assert.equal(page.headers['x-content-type-options'], 'nosniff');
    assert.match(page.body, /<script type="module" src="main.js">/);
    // No inline script or style anywhere in the page (the CSP would block it).
    assert.doesNotMatch(page.body, /<script>|<style|style="/);
    for (const module of ['main.js', 'fleet-store.js', 'format.js', 'grid-view.js', 'style.css']) assert.equal((await get(web.url + module)).status, 200, module);
    const cached = await get(web.url, { 'if-none-match': page.headers.etag! });
    assert.equal(cached.status, 304);
    assert.equal((await get(`${web.url}../../package.json`)).status, 404);
    assert.equal((await get(`${web.url}nope`)).status, 404);
    assert.equal((await get(`${web.url}metrics`)).status, 404);
  } finally {
    await web.close();
  }
});

/** The SSE messages in a stream's text: event name (message when unnamed) and parsed data. */
function messages(text: string): { event: string; data: Record<string, unknown> }[] {
  return text
    .split('\n\n')
    .filter((block) => block.includes('data: '))
    .map((block) => {
      const lines = block.split('\n');
      const event = lines.find((line) => line.startsWith('event: '))?.slice(7) ?? 'message';
      return { event, data: JSON.parse(lines.find((line) => line.startsWith('data: '))!.slice(6)) as Record<string, unknown> };
    });
}

test('/events sends retry:, the whole state at once (with the history), then each tick\'s changes only', async () => {
  const web = await WebServer.start({ address: { host: '127.0.0.1', port: 0 }, token: null });
  try {
    const first = snapshot(3, 1);
    web.publish(first);
    web.publish(snapshot(3, 2));
    const opened = stream(`${web.url}events`, (text) => text.split('data: ').length > 2);
    await until(() => web.events.size === 1);
    const third = snapshot(3, 3);
    web.publish(third);
    const { status, text, headers } = await opened;
    assert.equal(status, 200);
    assert.match(headers['content-type']!, /^text\/event-stream/);
    assert.equal(headers['content-encoding'], undefined, 'not compressed unless asked for');
    assert.match(text, /^retry: \d+\n\n/);
    const [state, tick] = messages(text);
    assert.equal(state!.event, 'state');
    assert.deepEqual({ ...state!.data, tick: undefined, history: undefined, recent: undefined }, { ...(JSON.parse(renderJsonLine(snapshot(3, 2))) as object), tick: undefined, history: undefined, recent: undefined });
    assert.equal(state!.data.tick, 2);
    // Each log's rates so far: a late page has its sparklines at once.
    assert.deepEqual(state!.data.recent, [[1, 2], [2, 3], [3, 4]]);
    assert.deepEqual((state!.data.history as { total: unknown }).total, [first.total.rate, 0]);
    assert.equal(tick!.event, 'tick');
    // Only the rates changed: each host's new rate, and nothing else of it.
    assert.deepEqual(tick!.data.hosts, { 0: { rate: 3 }, 1: { rate: 4 }, 2: { rate: 5 } });
    assert.equal(tick!.data.tick, 3);
    assert.deepEqual(tick!.data.total, (JSON.parse(renderJsonLine(third)) as { total: unknown }).total);
  } finally {
    await web.close();
  }
});

test('/events?full: each tick\'s whole --json object, for scripts (curl -N)', async () => {
  const web = await WebServer.start({ address: { host: '127.0.0.1', port: 0 }, token: null });
  try {
    const first = snapshot(3, 1);
    web.publish(first);
    const opened = stream(`${web.url}events?full`, (text) => text.split('data: ').length > 2);
    await until(() => web.events.size === 1);
    const second = snapshot(3, 2);
    web.publish(second);
    const { text } = await opened;
    assert.deepEqual(
      text.split('\n').filter((line) => line.startsWith('data: ')).map((line) => line.slice(6)),
      [renderJsonLine(first), renderJsonLine(second)],
    );
    assert.doesNotMatch(text, /^event: /m);
  } finally {
    await web.close();
  }
});

test('/events is gzipped where the client accepts it, each message flushed at once; a new set of logs is a new state', async () => {
  const web = await WebServer.start({ address: { host: '127.0.0.1', port: 0 }, token: null });
  try {
    web.publish(snapshot(3, 1));
    let raw = Buffer.alloc(0);
    let headers: IncomingMessage['headers'] = {};
    const request = httpRequest(`${web.url}events`, { headers: { 'accept-encoding': 'gzip, deflate, br' } }, (response) => {
      headers = response.headers;
      response.on('data', (chunk: Buffer) => (raw = Buffer.concat([raw, chunk])));
    });
    request.on('error', () => {});
    request.end();
    // A gzip stream without its end: inflate what has arrived (after the 10-byte header).
    const received = () => (raw.length > 10 ? inflateRawSync(raw.subarray(10), { finishFlush: 2 }).toString() : '');
    await until(() => received().includes('event: state'));
    assert.equal(headers['content-encoding'], 'gzip');
    web.publish(snapshot(4, 2));
    await until(() => messages(received()).length === 2);
    const [, again] = messages(received());
    assert.equal(again!.event, 'state', 'a host more: the page gets a whole state');
    assert.equal((again!.data.hosts as unknown[]).length, 4);
    assert.deepEqual([raw[0], raw[1]], [0x1f, 0x8b], 'a gzip header');
    request.destroy();
  } finally {
    await web.close();
  }
});

test('/history?host= gives each of that host\'s logs its rates tick by tick, from when pvlook started', async () => {
  const web = await WebServer.start({ address: { host: '127.0.0.1', port: 0 }, token: null });
  try {
    for (let tick = 1; tick <= 4; tick++) web.publish(snapshot(3, tick));
    const answer = await get(`${web.url}history?host=web1`);
    assert.equal(answer.status, 200);
    const history = JSON.parse(answer.body) as { tick: number; times: number[]; logs: { log: string; rates: number[] }[] };
    assert.equal(history.tick, 4);
    assert.equal(history.times.length, 4);
    assert.deepEqual(history.logs.map((log) => [log.log, log.rates]), [['/var/log/nginx/access.log', [2, 3, 4, 5]]]);
    assert.deepEqual((JSON.parse((await get(`${web.url}history?host=nobody`)).body) as { logs: unknown[] }).logs, []);
  } finally {
    await web.close();
  }
});

test('with a token: 401 without it, 200 with Bearer, and ?token= sets an HttpOnly cookie and strips itself', async () => {
  const web = await WebServer.start({ address: { host: '127.0.0.1', port: 0 }, token: TOKEN });
  try {
    const port = Number(new URL(web.url).port);
    const denied = await get(web.url);
    assert.equal(denied.status, 401);
    assert.equal(denied.headers['www-authenticate'], 'Bearer realm="pvlook"');
    assert.doesNotMatch(denied.body, new RegExp(TOKEN));
    assert.equal((await stream(`${web.url}events`, () => true)).status, 401);
    assert.equal((await get(web.url, { authorization: `Bearer ${TOKEN}` })).status, 200);
    assert.equal((await get(web.url, { authorization: 'Bearer wrong-token-0123456789' })).status, 401);
    const redirect = await get(`${web.url}?token=${TOKEN}`);
    assert.equal(redirect.status, 303);
    assert.equal(redirect.headers.location, '/');
    const cookie = redirect.headers['set-cookie']![0]!;
    assert.match(cookie, /HttpOnly/);
    assert.match(cookie, /SameSite=Strict/);
    const withCookie = await get(web.url, { cookie: cookie.split(';')[0]! });
    assert.equal(withCookie.status, 200);
    assert.equal(cookie.split('=')[0], cookieName(port));
    web.publish(snapshot(1));
    const events = await stream(`${web.url}events`, (text) => text.includes('data: '), { cookie: cookie.split(';')[0]! });
    assert.equal(events.status, 200);
  } finally {
    await web.close();
  }
});

test('wrong tokens: throttled per address with a clear 429 and retry-after (a right token too, while it lasts), and counted in the metrics', async () => {
  const exporter = new MetricsExporter(null, { served: true });
  let now = 0;
  const web = await WebServer.start({
    address: { host: '127.0.0.1', port: 0 },
    token: TOKEN,
    throttle: { burst: 3, refillMs: 10_000 },
    now: () => now,
    onTokenFailure: () => exporter.metrics.tokenFailed(),
    metrics: { scrape: () => exporter.scrape(), failed: (message) => exporter.clientFailed(message) },
  });
  try {
    assert.equal((await get(web.url)).status, 401, 'no token at all is not a guess');
    for (let i = 0; i < 3; i++) assert.equal((await get(`${web.url}?token=wrong-token-${i}-0123456789`)).status, 401);
    const throttled = await get(web.url, { authorization: 'Bearer wrong-token-3-0123456789' });
    assert.equal(throttled.status, 429);
    assert.equal(throttled.headers['retry-after'], '10');
    assert.match(throttled.body, /too many wrong tokens from this address; try again in 10s/);
    assert.equal((await get(web.url, { authorization: `Bearer ${TOKEN}` })).status, 429, 'while throttled, no token is checked');
    now = 10_000;
    assert.equal((await get(`${web.url}metrics`, { authorization: `Bearer ${TOKEN}` })).status, 200, 'after the refill, the right token works');
    assert.equal((await get(web.url, { cookie: `${cookieName(Number(new URL(web.url).port))}=wrong-token-4-0123456789` })).status, 401);
    assert.equal((await get(web.url, { authorization: `Bearer ${TOKEN}` })).status, 429, 'a wrong cookie is a guess too');
    now = 20_000;
    const metrics = await get(`${web.url}metrics`, { authorization: `Bearer ${TOKEN}` });
    assert.match(metrics.body, /^pvlook_web_token_failures_total 4$/m);
  } finally {
    await web.close();
  }
});

test('/metrics on the same port when --listen names the same address, behind the same token', async () => {
  const exporter = new MetricsExporter(null, { served: true });
  await exporter.update(snapshot(2));
  const web = await WebServer.start({ address: { host: '127.0.0.1', port: 0 }, token: TOKEN, metrics: { scrape: () => exporter.scrape(), failed: (message) => exporter.clientFailed(message) } });
  try {
    assert.equal((await get(`${web.url}metrics`)).status, 401);
    const metrics = await get(`${web.url}metrics`, { authorization: `Bearer ${TOKEN}` });
    assert.equal(metrics.status, 200);
    assert.match(metrics.body, /^pvlook_log_lines_per_second\{host="web1",group="nginx",log="\/var\/log\/nginx\/access.log"\} 2$/m);
  } finally {
    await web.close();
  }
});

for (const gzip of [false, true])
test(`a client that stops reading is dropped once its buffer is full; publishing never waits for it${gzip ? ' (gzip)' : ''}`, async () => {
  const web = await WebServer.start({ address: { host: '127.0.0.1', port: 0 }, token: null, stream: { maxBufferedBytes: 64 * 1024 } });
  const { port } = new URL(web.url);
  // A raw socket that sends the request and then never reads a byte.
  const socket = connect(Number(port), '127.0.0.1');
  socket.on('error', () => {});
  socket.write(`GET /events HTTP/1.1\r\nHost: 127.0.0.1\r\n${gzip ? 'Accept-Encoding: gzip\r\n' : ''}\r\n`);
  socket.pause();
  try {
    await until(() => web.events.size === 1);
    let published = 0;
    // Each publish returns at once (every rate changes, so each tick's changes are tens of KB); the reader is soon gone.
    while (web.events.size > 0 && published < 500) {
      web.publish(snapshot(2000, published++));
      await new Promise((resolve) => setImmediate(resolve));
    }
    assert.equal(web.events.size, 0);
    assert.equal(web.events.dropped, 1);
  } finally {
    socket.destroy();
    await web.close();
  }
});

test('a second pvlook on the same address is a usage error naming --web', async () => {
  const web = await WebServer.start({ address: { host: '127.0.0.1', port: 0 }, token: null });
  try {
    const port = Number(new URL(web.url).port);
    await assert.rejects(WebServer.start({ address: { host: '127.0.0.1', port }, token: null }), new RegExp(`^UsageError: --web 127\\.0\\.0\\.1:${port}: address already in use$`));
  } finally {
    await web.close();
  }
});


test('--listen alone: /metrics only, behind the same access rule as the web view (loopback Host names, or the token)', async () => {
  const exporter = new MetricsExporter(null, { served: true });
  await exporter.update(snapshot(2));
  const metrics = { scrape: () => exporter.scrape(), failed: (message: string) => exporter.clientFailed(message) };
  const open = await WebServer.start({ address: { host: '127.0.0.1', port: 0 }, token: null, page: false, metrics });
  try {
    assert.equal((await get(`${open.url}metrics`)).status, 200);
    // A page on another origin that rebinds its name to 127.0.0.1 sends its own name as Host.
    const rebound = await get(`${open.url}metrics`, { host: 'attacker.example:9469' });
    assert.equal(rebound.status, 401);
    assert.match(rebound.body, /is not a loopback name/);
    assert.equal((await get(open.url)).status, 404, 'no page without --web');
    assert.equal((await get(`${open.url}events`)).status, 404, 'no event stream without --web');
  } finally {
    await open.close();
  }
  const guarded = await WebServer.start({ address: { host: '127.0.0.1', port: 0 }, token: TOKEN, page: false, metrics });
  try {
    const denied = await get(`${guarded.url}metrics`);
    assert.equal(denied.status, 401);
    assert.match(denied.body, /Send "Authorization: Bearer TOKEN"/);
    assert.equal((await get(`${guarded.url}metrics`, { authorization: `Bearer ${TOKEN}` })).status, 200);
  } finally {
    await guarded.close();
  }
});
