/**
 * The README's picture of the web view: the 300-host demo at 1920x1080 in
 * headless Chromium, once every host has a minute of history.
 *
 *   npx tsx tools/web-screenshot.ts [docs/web-view.png]
 */
import path from 'node:path';
import { launchBrowser } from '../test/helpers/browser.js';
import { startPvlook } from '../test/helpers/web-pvlook.js';

const out = path.resolve(process.argv[2] ?? 'docs/web-view.png');
const pvlook = await startPvlook(['demo', '--fleet', '300', '--web', '127.0.0.1:0']);
const chromium = await launchBrowser();
try {
  const page = await chromium.browser.newPage();
  await page.emulateMediaFeatures([{ name: 'prefers-color-scheme', value: 'dark' }]);
  await page.setViewport({ width: 1920, height: 1080 });
  await page.goto(pvlook.url);
  // Every host answered, and enough ticks for full sparklines and a minute-long header chart.
  await page.waitForFunction(`window.pvlookStats.events >= 60 && document.querySelectorAll('.cell[data-status="ok"]').length === 297`, { timeout: 0, polling: 500 });
  await page.screenshot({ path: out as `${string}.png` });
  console.log(`wrote ${path.relative(process.cwd(), out)}`);
} finally {
  await chromium.close();
  await pvlook.stop();
}
