/**
 * The fleet view in a real terminal against real sshd hosts: 60 hosts in two
 * groups fit one screen, sort and filter change what is shown, a resize
 * reflows the layout, and q leaves a clean shell.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { startSshd, type Sshd } from '../helpers/sshd.js';
import { appendLines, makeLog } from '../helpers/fleet.js';
import { TmuxSession } from '../helpers/tmux.js';
import { pvlookCommand as pvlook } from '../helpers/pvlook-command.js';


let sshd: Sshd;
let writer: NodeJS.Timeout;
let configFile: string;
const hosts = Array.from({ length: 60 }, (_, i) => `f${String(i + 1).padStart(2, '0')}`);

before(async () => {
  sshd = await startSshd({ hostCount: 2 });
  const slow = makeLog(sshd, 'slow.log');
  const fast = makeLog(sshd, 'fast.log');
  writer = setInterval(() => {
    appendLines(slow, 1);
    appendLines(fast, 20);
  }, 20);
  const sshConfig = path.join(sshd.dir, 'ssh_config.fleet');
  writeFileSync(sshConfig, `Host f*\n  HostName ${sshd.addresses[0]}\n${readFileSync(sshd.sshConfig, 'utf8')}`);
  configFile = path.join(sshd.dir, 'fleet.yaml');
  writeFileSync(configFile, `sshConfig: ${sshConfig}\ninterval: 1\ngroups:\n  slow:\n    log: ${slow}\n    hosts: ["f[01-30]"]\n  fast:\n    log: ${fast}\n    hosts: ["f[31-60]"]\n`);
});
after(async () => {
  clearInterval(writer);
  await sshd?.stop();
});

const visible = (screen: string) => new Set(screen.match(/\bf\d\d\b/g) ?? []);
/** The grid reads down, then across: the first host of each body line is the start of the sorted order. */
const order = (screen: string) =>
  screen
    .split('\n')
    .slice(2)
    .map((line) => /\bf\d\d\b/.exec(line)?.[0])
    .filter((host): host is string => host !== undefined);

test('60 hosts fit, sort and filter change the view, resize reflows, q restores the shell', async () => {
  const tmux = TmuxSession.start(`${pvlook} -w -c ${JSON.stringify(configFile)}; echo "EXITED:$?"; sleep 60`, { cwd: sshd.dir, env: { HOME: sshd.dir }, width: 160, height: 24 });
  try {
    let screen = await tmux.waitFor(/60 ok/, 60);
    screen = await tmux.waitFor(/f60 +\d/);
    assert.deepEqual([...visible(screen)].sort(), hosts, 'every host visible');
    assert.ok(screen.split('\n').some((line) => (line.match(/\bf\d\d\b/g) ?? []).length >= 3), 'several hosts per line');
    assert.match(screen, /── slow ─/);
    assert.match(screen, /── fast ─/);

    // Ungroup and sort by rate: the fast group's hosts come first.
    // (A host that is briefly stale on a loaded machine has no rate and sorts last, so wait for a screen with every host ok;
    // one sample a second keeps 60 hosts on one sshd light enough for a busy CI machine.)
    const firstTen = (screen: string) => order(screen).slice(0, 10).map((host) => Number(host.slice(1)));
    tmux.keys('g', 's');
    screen = await tmux.waitFor(
      (s) => /sort rate \(largest first\) · ungrouped/.test(s) && / 60 ok /.test(s) && firstTen(s).length === 10 && firstTen(s).every((n) => n > 30),
      60,
      'the fast hosts first, sorted by rate',
    );
    tmux.keys('r');
    screen = await tmux.waitFor(
      (s) => /sort rate \(reversed\)/.test(s) && / 60 ok /.test(s) && firstTen(s).length === 10 && firstTen(s).every((n) => n <= 30),
      60,
      'the slow hosts first when reversed',
    );

    // Filter by name.
    tmux.keys('/', 'f', '0', 'Enter');
    screen = await tmux.waitFor(/filter "f0"/);
    assert.deepEqual([...visible(screen)].sort(), hosts.slice(0, 9), `only f01..f09 shown:\n${screen}`);
    tmux.keys('Escape');
    screen = await tmux.waitFor(/ungrouped · every/);

    // A narrower terminal reflows into more lines; a tiny one pages.
    tmux.resize(70, 24);
    // The first frame after a resize may still be the old layout clipped; the next tick is the reflowed one.
    screen = await tmux.waitFor((s) => /ungrouped/.test(s) && s.split('\n').every((line) => [...line].length <= 70) && visible(s).size === hosts.length, 30, 'a reflowed 70-column frame');
    assert.deepEqual([...visible(screen)].sort(), hosts, 'every host still visible at 70 columns');
    for (const line of screen.split('\n')) assert.ok([...line].length <= 70);
    tmux.resize(40, 8);
    screen = await tmux.waitFor(/page 1\/\d+/);
    tmux.keys('PageDown');
    screen = await tmux.waitFor(/page 2\/\d+/);

    // Help, then quit.
    tmux.resize(120, 30);
    tmux.keys('?');
    await tmux.waitFor(/Keys/);
    tmux.keys('x', 'q');
    await tmux.waitFor(/EXITED:0/);
    assert.equal(tmux.query('#{alternate_on}'), '0');
    assert.equal(tmux.query('#{cursor_flag}'), '1');
  } finally {
    tmux.kill();
  }
});
