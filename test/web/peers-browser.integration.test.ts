/**
 * The web view marks the logs pvlook calls odd, in headless Chromium, against
 * real sshd: the slow host and the 5xx host get the mark and the ring, the
 * header shows pvlook's count, and "odd only" leaves just them. The page shows
 * the verdict from the stream; it has none of its own (test/web/page-logic).
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { launchBrowser, type TestBrowser } from '../helpers/browser.js';
import { startPeerPool, type PeerPool } from '../helpers/peer-pool.js';
import { freeLoopbackPort, startPvlook } from '../helpers/web-pvlook.js';

let chromium: TestBrowser;
let pool: PeerPool;
before(async () => {
  chromium = await launchBrowser();
  pool = await startPeerPool();
  pool.set('h2', 100, 10);
  pool.set('h6', 20);
  pool.set('h8', 10);
});
after(async () => {
  await chromium?.close();
  await pool?.stop();
});

test('the web view marks odd logs, counts them as pvlook does, and filters to them', async () => {
  const port = await freeLoopbackPort();
  const pvlook = await startPvlook(['--web', `127.0.0.1:${port}`, '-n', '0.4', '-F', pool.sshd.sshConfig, '--config', pool.config], { cwd: pool.sshd.dir, env: { HOME: pool.sshd.dir } });
  const page = await chromium.browser.newPage();
  try {
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(String(error)));
    await page.goto(pvlook.url);
    await page.waitForFunction(`document.querySelectorAll('.cell').length === 8 && document.querySelectorAll('.cell.odd').length === 2 && /! 2 odd/.test(document.getElementById('count-odd').textContent)`, { timeout: 60_000, polling: 200 });
    // Hold the picture still while it is read.
    await page.click('#pause');
    const cells = (await page.evaluate(`[...document.querySelectorAll('.cell')].map((c) => ({ host: c.dataset.host, odd: c.classList.contains('odd'), text: c.textContent, label: c.getAttribute('aria-label'), title: c.title }))`)) as { host: string; odd: boolean; text: string; label: string; title: string }[];
    assert.deepEqual(cells.filter((cell) => cell.odd).map((cell) => cell.host).sort(), ['h2', 'h6']);
    const slow = cells.find((cell) => cell.host === 'h6')!;
    assert.equal(slow.text, 'h6  !', 'the mark is text after the name column: it reads without colour');
    assert.match(slow.label, /odd: rate 0\.[1-3]\d× peers' median \(low\)$/);
    assert.match(slow.title, /odd: rate 0\.[1-3]\d× peers' median \(low\)/);
    assert.match(cells.find((cell) => cell.host === 'h2')!.label, /odd: errors \d+(\.\d)?% of lines, peers [\d.]+% \(high\)$/);
    for (const cell of cells.filter((c) => !c.odd)) assert.doesNotMatch(cell.label, /odd/);
    const ring = String(await page.evaluate(`getComputedStyle(document.querySelector('.cell.odd')).boxShadow`));
    assert.match(ring, /inset/);
    await page.click('#pause');

    await page.click('#odd');
    await page.waitForFunction(`document.querySelectorAll('.cell').length === 2`, { timeout: 10_000, polling: 100 });
    assert.match(String(await page.evaluate('location.hash')), /odd=1/);
    const shown = (await page.evaluate(`[...document.querySelectorAll('.cell')].map((c) => c.dataset.host).sort()`)) as string[];
    assert.deepEqual(shown, ['h2', 'h6']);
    // The key does the same as the box (once the box no longer has the focus, as for every key of the page).
    await page.evaluate('document.activeElement.blur()');
    // O, as in the terminal (o puts them first instead).
    await page.keyboard.press('O');
    await page.waitForFunction(`document.querySelectorAll('.cell').length === 8`, { timeout: 10_000, polling: 100 });
    assert.deepEqual(errors, []);
  } finally {
    await page.close();
    await pvlook.stop();
  }
});
