/**
 * After pvlook's token changes, an open page stops knocking: it reads why
 * the stream closed (401, or 429 from the throttle on wrong tokens), says
 * "token refused: reload with ?token=…", and waits longer each time, never
 * less than the server's Retry-After.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { WebServer } from '../../src/web/web-server.js';
import { launchBrowser } from '../helpers/browser.js';
import { row, snapshotOf } from '../helpers/rows.js';

const snapshot = (tick: number) => ({ ...snapshotOf([row({ host: 'web1', rate: tick, lines: tick, trend: 'flat', change: 0 })], Date.now()), tick });

test('a page whose token is no longer right says so and backs off, honouring Retry-After', async () => {
  let web = await WebServer.start({ address: { host: '127.0.0.1', port: 0 }, token: 'first-token' });
  const port = Number(new URL(web.url).port);
  web.publish(snapshot(1));
  const chromium = await launchBrowser();
  try {
    const page = await chromium.browser.newPage();
    await page.goto(`${web.url}?token=first-token`);
    await page.waitForFunction(`document.body.dataset.connection === 'live' && document.querySelectorAll('.cell').length === 1`, { timeout: 60_000, polling: 100 });
    // Every text the connection status takes from here on, as the page writes it.
    await page.evaluate(`(() => {
      const status = document.getElementById('connection');
      window.connectionTexts = [];
      new MutationObserver(() => window.connectionTexts.push(status.textContent)).observe(status, { childList: true, characterData: true, subtree: true });
    })()`);

    // pvlook restarts on the same port with another token: the page's cookie is now wrong.
    await web.close();
    let failures = 0;
    web = await WebServer.start({ address: { host: '127.0.0.1', port }, token: 'second-token', throttle: { burst: 3, refillMs: 60_000 }, onTokenFailure: () => failures++ });
    web.publish(snapshot(2));
    await page.waitForFunction(`window.connectionTexts.some((text) => /next try in (\\d+)s/.exec(text)?.[1] >= 30)`, { timeout: 120_000, polling: 200 });
    const texts = (await page.evaluate('window.connectionTexts')) as string[];
    const refusals = texts.filter((text) => text.includes('next try'));
    assert.ok(refusals.every((text) => text.startsWith('refused · token refused: reload with ?token=… · next try in ')), texts.join('\n'));
    const waits = refusals.map((text) => Number(/next try in (\d+)s/.exec(text)![1]));
    assert.equal(waits[0], 5, 'the first wait');
    assert.ok(waits.every((wait, i) => i === 0 || wait >= waits[i - 1]!), `the waits never shrink: ${waits.join(', ')}`);
    // The throttle's Retry-After (a minute to refill) is honoured, not the page's own 5 s, 10 s, …
    assert.ok(waits.at(-1)! >= 30, `${waits.join(', ')}`);
    assert.ok(failures <= 2 * waits.length, `${failures} wrong tokens for ${waits.length} tries`);
    assert.equal(await page.evaluate(`document.body.dataset.connection`), 'refused');
  } finally {
    await chromium.close();
    await web.close();
  }
});
