/**
 * The page behind a reverse proxy that serves pvlook under a path prefix
 * (/pvlook/ → pvlook's /): every URL the page asks for stays under the
 * prefix, so it loads, draws its cells and follows the stream.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, request, type Server } from 'node:http';
import { WebServer } from '../../src/web/web-server.js';
import { launchBrowser } from '../helpers/browser.js';
import { row, snapshotOf } from '../helpers/rows.js';
import type { Snapshot } from '../../src/core/snapshot.js';

const PREFIX = '/pvlook';

function snapshot(tick: number): Snapshot {
  const rows = ['web1', 'web2', 'web3'].map((host, i) => row({ host, rate: i + tick, lines: i, trend: 'flat', change: 0 }));
  return { ...snapshotOf(rows, Date.now()), tick };
}

/** A proxy that passes PREFIX/… on to `target`'s /…, answers anything else 404, and notes every path asked for. */
async function prefixProxy(target: URL, seen: string[]): Promise<Server> {
  const proxy = createServer((req, res) => {
    const url = req.url ?? '/';
    seen.push(url);
    if (!url.startsWith(`${PREFIX}/`)) {
      res.writeHead(404).end('not pvlook');
      return;
    }
    const upstream = request({ host: target.hostname, port: target.port, method: req.method, path: url.slice(PREFIX.length), headers: { ...req.headers, host: target.host } }, (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
    });
    upstream.on('error', () => res.destroy());
    req.pipe(upstream);
  });
  await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
  return proxy;
}

test('under a proxy path prefix the page loads every file from under the prefix, draws every cell and follows the ticks', async () => {
  const web = await WebServer.start({ address: { host: '127.0.0.1', port: 0 }, token: null });
  const seen: string[] = [];
  const proxy = await prefixProxy(new URL(web.url), seen);
  const port = (proxy.address() as { port: number }).port;
  let tick = 1;
  web.publish(snapshot(tick++));
  // The page's cells follow pvlook's ticks, whatever their pace: the test waits for a later tick, not for a time.
  const ticker = setInterval(() => web.publish(snapshot(tick++)), 200);
  const chromium = await launchBrowser();
  try {
    const page = await chromium.browser.newPage();
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(String(error)));
    page.on('requestfailed', (failed) => errors.push(`${failed.url()} ${failed.failure()?.errorText}`));
    page.on('response', (response) => {
      if (response.status() >= 400) errors.push(`${response.url()} ${response.status()}`);
    });
    await page.goto(`http://127.0.0.1:${port}${PREFIX}/`);
    await page.waitForFunction(`document.querySelectorAll('.cell').length === 3`, { timeout: 60_000, polling: 100 });
    const first = Number(await page.evaluate('window.pvlookStats?.tick ?? 0'));
    await page.waitForFunction(`(window.pvlookStats?.tick ?? 0) > ${first}`, { timeout: 60_000, polling: 100 });
    assert.deepEqual(errors, []);
    const outside = [...new Set(seen)].filter((url) => !url.startsWith(`${PREFIX}/`) && url !== '/favicon.ico');
    assert.deepEqual(outside, [], 'every URL the page uses is relative to where it was loaded');
    assert.ok(seen.includes(`${PREFIX}/display-format.js`), 'the number rules come from beside the page');
  } finally {
    clearInterval(ticker);
    await chromium.close();
    proxy.closeAllConnections();
    proxy.close();
    await web.close();
  }
});
