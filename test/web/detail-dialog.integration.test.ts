/**
 * A host's detail in Chromium while its log fails: the dialog is not
 * rebuilt when a tick has no patterns (they are null whenever the rate is
 * unknown), so the focus stays where it was, and the pattern series pvlook
 * holds in /history are still drawn.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { WebServer } from '../../src/web/web-server.js';
import { launchBrowser } from '../helpers/browser.js';
import { row, snapshotOf } from '../helpers/rows.js';
import type { Row, Snapshot } from '../../src/core/snapshot.js';

function snapshot(tick: number, failing: boolean): Snapshot {
  const web1: Row = failing
    ? row({ host: 'web1', rate: null, lines: null, status: 'timeout', error: 'timed out', age: tick, patterns: null })
    : row({ host: 'web1', rate: 10 + tick, lines: 100 * tick, trend: 'flat', change: 0, patterns: [{ name: '5xx', lines: tick, rate: 1, share: 0.1 }] });
  const rows = [web1, row({ host: 'web2', rate: 5, lines: 5, trend: 'flat', change: 0 })];
  return { ...snapshotOf(rows, Date.now()), tick };
}

test('the detail of a failing host stays the same elements through a tick without patterns, and draws the patterns pvlook holds', async () => {
  const web = await WebServer.start({ address: { host: '127.0.0.1', port: 0 }, token: null });
  const chromium = await launchBrowser();
  let tick = 1;
  const publish = (failing: boolean) => web.publish(snapshot(tick++, failing));
  try {
    for (let i = 0; i < 5; i++) publish(false);
    const page = await chromium.browser.newPage();
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(String(error)));
    await page.goto(web.url);
    await page.waitForFunction(`document.querySelectorAll('.cell').length === 2`, { timeout: 60_000, polling: 100 });
    await page.click('.cell[data-host="web1"]');
    await page.waitForFunction(`document.querySelector('#detail').open && /lines\\/s, last/.test(document.querySelector('#detail .legend').textContent)`, { timeout: 30_000, polling: 100 });
    assert.match(String(await page.evaluate(`document.querySelector('#detail').textContent`)), /5xx/);
    await page.evaluate(`(() => {
      window.detailBlock = document.querySelector('#detail section.log');
      window.detailClose = document.querySelector('#detail button.close');
      window.detailClose.focus();
    })()`);

    // The log fails: this tick has no patterns, but pvlook's history still has the 5xx series.
    const shownTick = Number(await page.evaluate('window.pvlookStats.tick'));
    publish(true);
    await page.waitForFunction(`window.pvlookStats.tick > ${shownTick} && /timeout/.test(document.querySelector('#detail dd').textContent)`, { timeout: 30_000, polling: 100 });
    const after = (await page.evaluate(`({
      same: window.detailBlock === document.querySelector('#detail section.log') && window.detailBlock.isConnected,
      focused: document.activeElement === window.detailClose && window.detailClose.isConnected,
      text: document.querySelector('#detail').textContent,
      keys: [...document.querySelectorAll('#detail .legend .key')].map((key) => key.textContent),
    })`)) as { same: boolean; focused: boolean; text: string; keys: string[] };
    assert.equal(after.same, true, 'the log\'s block is the same element');
    assert.equal(after.focused, true, 'the focus stays on the close button');
    assert.deepEqual(after.keys, [' ── 5xx'], 'the 5xx series is still in the chart');
    assert.match(after.text, /5xx— lines\/s, — of new lines/, 'the 5xx fact reads unknown, not gone');

    // And back again: still the same elements.
    publish(false);
    await page.waitForFunction(`document.querySelector('#detail dd').textContent === 'ok'`, { timeout: 30_000, polling: 100 });
    assert.equal(await page.evaluate(`window.detailBlock === document.querySelector('#detail section.log') && document.activeElement === window.detailClose`), true);
    assert.deepEqual(errors, []);
  } finally {
    await chromium.close();
    await web.close();
  }
});
