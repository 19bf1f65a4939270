/**
 * The web view in a real browser (headless Chromium) against the demo:
 * 300 hosts all rendered on one 1920x1080 screen, a host's detail, /metrics on
 * the same port, the page carrying on across a pvlook restart, and the token.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Page } from 'puppeteer-core';
import { launchBrowser, type TestBrowser } from '../helpers/browser.js';
import { freeLoopbackPort, startPvlook } from '../helpers/web-pvlook.js';

let chromium: TestBrowser;
before(async () => {
  chromium = await launchBrowser();
});
after(async () => {
  await chromium?.close();
});

/** The demo's hosts whose SSH port is closed on purpose (src/demo/demo-fleet.ts). */
const DOWN = ['api208', 'web014', 'web111'];

const text = async (page: Page, selector: string) => String(await page.evaluate(`document.querySelector(${JSON.stringify(selector)}).textContent`));
const waitFor = (page: Page, fn: string, timeout = 120_000) => page.waitForFunction(fn, { timeout, polling: 200 });

test('the 300-host demo: every host rendered on one 1920x1080 screen, the down ones failed; detail on click; one port for /metrics', async () => {
  const port = await freeLoopbackPort();
  const address = `127.0.0.1:${port}`;
  let pvlook = await startPvlook(['demo', '--fleet', '300', '--web', address, '--listen', address]);
  const page = await chromium.browser.newPage();
  try {
    await page.setViewport({ width: 1920, height: 1080 });
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(String(error)));
    await page.goto(pvlook.url);
    // Every cell filled: a number for the live hosts, ✗ for the down ones (a busy machine may take a while to
    // connect 300). The page pauses itself the moment that is so, so what is checked next is that very picture.
    await waitFor(
      page,
      `document.querySelectorAll('.cell').length === 300 && [...document.querySelectorAll('.cell')].every((c) => c.dataset.status === 'ok' ? /\\d/.test(c.getAttribute('aria-label').slice(7)) : ${JSON.stringify(DOWN)}.includes(c.dataset.host)) && (document.getElementById('pause').click(), true)`,
      180_000,
    );
    const cells = (await page.evaluate(`[...document.querySelectorAll('.cell')].map((c) => ({ host: c.dataset.host, status: c.dataset.status, text: c.textContent, label: c.getAttribute('aria-label') }))`)) as { host: string; status: string; text: string; label: string }[];
    assert.equal(new Set(cells.map((cell) => cell.host)).size, 300);
    const failed = cells.filter((cell) => cell.status !== 'ok');
    assert.deepEqual(failed.map((cell) => cell.host).sort(), DOWN);
    for (const cell of failed) assert.match(cell.text, /^\w+ ✗ refused/);
    // A healthy cell's numbers are painted on its section's canvas; its accessible name carries them as text.
    for (const cell of cells.filter((c) => c.status === 'ok')) assert.match(cell.label, new RegExp(`^${cell.host} +[\\d.]+k? [▲▼· ]`));
    assert.equal(Number(await page.evaluate(`document.querySelectorAll('canvas.numbers').length`)), 3);
    const painted = Number(await page.evaluate(`(() => { const c = document.querySelector('canvas.numbers'); return c.getContext('2d').getImageData(0, 0, c.width, c.height).data.filter((v, i) => i % 4 === 3 && v > 0).length; })()`));
    assert.ok(painted > 10_000, `only ${painted} pixels painted`);
    // The whole fleet fits the screen: nothing below the fold.
    assert.equal(await page.evaluate('document.documentElement.scrollHeight <= innerHeight && document.documentElement.scrollWidth <= innerWidth'), true);
    assert.match(await text(page, '#count-failed'), /✗ 3 failed/);
    assert.match(await text(page, '.group h2'), /^nginx[\d.,k]+\/s · 180 logs · 5xx [\d.]+% · ✗ 2 failed$/);
    await page.click('#pause');

    await page.click('.cell[data-host="web014"]');
    await waitFor(page, `document.querySelector('#detail').open && /connection refused/.test(document.querySelector('#detail').textContent)`, 10_000);
    const detail = await text(page, '#detail');
    assert.match(detail, /web014/);
    assert.match(detail, /\/var\/log\/nginx\/access\.log/);
    assert.match(detail, /last error.*connection refused/);
    await page.keyboard.press('Escape');

    const metrics = await fetch(`${pvlook.url}metrics`);
    assert.equal(metrics.status, 200);
    assert.match(await metrics.text(), /^pvlook_host_up\{host="web014"\} 0$/m);

    // Filtering through the page's own controls.
    await page.type('#filter', 'cdn0');
    await waitFor(page, `document.querySelectorAll('.cell').length === 9`, 10_000);
    assert.match(String(await page.evaluate('location.hash')), /filter=cdn0/);
    assert.deepEqual(errors, []);

    // pvlook stops and starts again on the same port: the open page picks the new one up by itself.
    const before = Number(await page.evaluate('document.body.dataset.time'));
    assert.equal(await pvlook.stop(), 143);
    await waitFor(page, `document.body.dataset.connection !== 'live'`, 30_000);
    pvlook = await startPvlook(['demo', '--fleet', '300', '--web', address]);
    await waitFor(page, `document.body.dataset.connection === 'live' && Number(document.body.dataset.time) > ${before} && document.querySelectorAll('.cell').length === 9`);
    assert.deepEqual(errors, []);
  } finally {
    await page.close();
    await pvlook.stop();
  }
});

test('a token is enforced: 401 without it, the page with Bearer, ?token= once leaves an HttpOnly cookie, and guessing is throttled', async () => {
  const token = 'wall-screen-token-0123';
  const pvlook = await startPvlook(['demo', '--web', '127.0.0.1:0', '--web-token', token]);
  const context = await chromium.browser.createBrowserContext();
  try {
    const page = await context.newPage();
    const denied = await page.goto(pvlook.url);
    assert.equal(denied?.status(), 401);
    const bearer = await fetch(pvlook.url, { headers: { authorization: `Bearer ${token}` } });
    assert.equal(bearer.status, 200);
    const events = await fetch(`${pvlook.url}events`);
    assert.equal(events.status, 401);
    await events.body?.cancel();

    await page.goto(`${pvlook.url}?token=${token}`);
    assert.equal(page.url(), pvlook.url, 'the token is stripped from the address bar');
    await waitFor(page, `document.querySelectorAll('.cell').length > 0 && document.body.dataset.connection === 'live'`, 60_000);
    const cookies = await page.cookies(pvlook.url);
    assert.equal(cookies.length, 1);
    assert.equal(cookies[0]!.httpOnly, true);
    assert.equal(cookies[0]!.sameSite, 'Strict');
    assert.equal(await page.evaluate('document.cookie'), '', 'scripts cannot read the token');
    // The cookie alone opens the page again, as on a wall screen after a reload.
    const again = await page.reload();
    // 304: the browser revalidated its cached page, which also needs the token.
    assert.ok([200, 304].includes(again?.status() ?? 0), `status ${again?.status()}`);

    const stranger = await chromium.browser.createBrowserContext();
    try {
      const other = await stranger.newPage();
      assert.equal((await other.goto(pvlook.url))?.status(), 401);
      // Guessing is slow: after 10 wrong tokens from this address, a clear 429 (the last thing here: it holds for the whole address).
      for (let i = 0; i < 10; i++) assert.equal((await other.goto(`${pvlook.url}?token=guess-${i}-0123456789abc`))?.status(), 401);
      const throttled = await other.goto(`${pvlook.url}?token=guess-10-0123456789abc`);
      assert.equal(throttled?.status(), 429);
      assert.match(throttled?.headers()['retry-after'] ?? '', /^\d+$/);
      assert.match(await text(other, 'body'), /too many wrong tokens from this address; try again in \d+s/);
    } finally {
      await stranger.close();
    }
  } finally {
    await context.close();
    await pvlook.stop();
  }
});
