/**
 * A real OpenSSH host goes down while a browser watches: the page shows it
 * failed on the very snapshot in which pvlook reports it, within two ticks of
 * the kill, while the healthy host keeps its number.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { startSshd, type Sshd } from '../helpers/sshd.js';
import { appendLines, makeLog } from '../helpers/fleet.js';
import { launchBrowser, type TestBrowser } from '../helpers/browser.js';
import { startPvlook, type RunningPvlook } from '../helpers/web-pvlook.js';
import { followFullStream } from '../helpers/full-stream.js';

let healthy: Sshd;
let victim: Sshd;
let chromium: TestBrowser;
let writer: NodeJS.Timeout;
let sshConfig: string;
let log: string;

before(async () => {
  healthy = await startSshd({ hostCount: 1 });
  victim = await startSshd({ hostCount: 1 });
  // One log path, present on both "hosts" (they share this machine's file system).
  log = makeLog(healthy, 'web.log');
  writer = setInterval(() => appendLines(log, 3), 10);
  sshConfig = path.join(healthy.dir, 'ssh_config.web');
  const block = (name: string, sshd: Sshd) => [`Host ${name}`, `  HostName ${sshd.addresses[0]}`, `  Port ${sshd.port}`, `  User ${sshd.user}`, `  IdentityFile ${path.join(sshd.dir, 'id_ed25519')}`].join('\n');
  const knownHosts = path.join(healthy.dir, 'known_hosts.web');
  writeFileSync(knownHosts, readFileSync(healthy.knownHosts, 'utf8') + readFileSync(victim.knownHosts, 'utf8'));
  writeFileSync(sshConfig, [block('good', healthy), block('victim', victim), 'Host *', `  UserKnownHostsFile ${knownHosts}`, '  GlobalKnownHostsFile /dev/null'].join('\n') + '\n');
  chromium = await launchBrowser();
});
after(async () => {
  clearInterval(writer);
  await chromium?.close();
  await victim?.stop();
  await healthy?.stop();
});

interface Seen {
  time: number;
  status: string;
}

test('a host whose sshd is killed shows failed on the page within two ticks, on the snapshot that reports it', async () => {
  let pvlook: RunningPvlook | null = null;
  let unfollow = () => {};
  try {
    pvlook = await startPvlook(['-w', '-n', '0.5', '--timeout', '3', '--web', '127.0.0.1:0', '-F', sshConfig, '-l', log, 'good', 'victim'], { cwd: healthy.dir, env: { HOME: healthy.dir } });
    const page = await chromium.browser.newPage();
    await page.goto(pvlook.url);
    const cell = (host: string) => `document.querySelector('.cell[data-host="${host}"]')`;
    await page.waitForFunction(`${cell('good')}?.dataset.status === 'ok' && ${cell('victim')}?.dataset.status === 'ok' && /\\d/.test(${cell('victim')}.getAttribute('aria-label').slice(7))`, { timeout: 60_000, polling: 100 });
    // Record, in the page, the snapshot time at which the victim's cell changes state.
    await page.evaluate(`{
      const target = ${cell('victim')};
      window.victimStates = [];
      new MutationObserver(() => window.victimStates.push({ time: Number(document.body.dataset.time), status: target.dataset.status, text: target.textContent }))
        .observe(target, { attributes: true, attributeFilter: ['data-status'] });
    }`);
    const seen: Seen[] = [];
    unfollow = followFullStream(pvlook.url, (snapshot) => seen.push({ time: Date.parse(snapshot.time), status: snapshot.hosts.find((h) => h.host === 'victim')!.status }));
    await new Promise<void>((resolve) => {
      const check = setInterval(() => seen.length > 0 && (clearInterval(check), resolve()), 20);
    });

    const killedAt = Date.now();
    victim.signal('SIGKILL');
    await page.waitForFunction(`!['ok', 'stale'].includes(${cell('victim')}.dataset.status)`, { timeout: 60_000, polling: 100 });
    const shown = (await page.evaluate('window.victimStates')) as { time: number; status: string; text: string }[];
    const failedOnPage = shown.find((state) => state.status !== 'ok' && state.status !== 'stale')!;
    assert.match(failedOnPage.text, /^victim ✗ (refused|unreachable|error|timeout)/);
    const afterKill = seen.filter((snapshot) => snapshot.time > killedAt);
    const firstFailed = afterKill.findIndex((snapshot) => snapshot.status !== 'ok' && snapshot.status !== 'stale');
    assert.ok(firstFailed >= 0, JSON.stringify(afterKill));
    // The page shows it on the snapshot in which pvlook reports it ...
    assert.equal(failedOnPage.time, afterKill[firstFailed]!.time);
    // ... which is at most the second tick after the kill.
    assert.ok(firstFailed <= 1, `failed only on tick ${firstFailed + 1} after the kill: ${JSON.stringify(afterKill.slice(0, firstFailed + 1))}`);
    assert.equal(await page.evaluate(`${cell('good')}.dataset.status`), 'ok');
    await page.close();
  } finally {
    unfollow();
    await pvlook?.stop();
    await victim.restart();
  }
});
