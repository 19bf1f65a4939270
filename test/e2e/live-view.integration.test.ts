/**
 * The live view in a real terminal: it draws on the alternate screen, and q or
 * Ctrl-C always leaves a clean shell with the cursor back.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { startSshd, type Sshd } from '../helpers/sshd.js';
import { appendLines, makeLog } from '../helpers/fleet.js';
import { TmuxSession } from '../helpers/tmux.js';
import { pvlookCommand as pvlook, repoRoot as root } from '../helpers/pvlook-command.js';

// The shell prints this after pvlook ends, so the test can read the exit status.
const afterwards = '; echo "EXITED:$?"; sleep 60';

let sshd: Sshd;
let writer: NodeJS.Timeout;
let log: string;
before(async () => {
  sshd = await startSshd({ hostCount: 2 });
  log = makeLog(sshd, 'live.log');
  writer = setInterval(() => appendLines(log, 3), 20);
});
after(async () => {
  clearInterval(writer);
  await sshd?.stop();
});

test('pvlook demo draws a live table on the alternate screen and q restores the terminal', async () => {
  const tmux = TmuxSession.start(`${pvlook} demo -n 0.3${afterwards}`, { cwd: root, env: { HOME: '/nonexistent' } });
  try {
    const screen = await tmux.waitFor(/total [\d.]+\/s .* 13 ok {2}0 stale {2}✗ 1 failed/);
    assert.match(screen, /pvlook demo fleet/);
    assert.match(screen, /^web05 /m);
    // The shop pool: five peers, so an odd one out is marked when it is (README: the odd one out).
    assert.match(screen, /^shop03 /m);
    assert.match(screen, /web06 .*✗ refused/);
    assert.equal(tmux.query('#{alternate_on}'), '1');
    assert.equal(tmux.query('#{cursor_flag}'), '0');
    // Wait for real rates, not just the first baseline tick; the web servers also show their share of 5xx lines.
    await tmux.waitFor(/^api01 .* \d{3} /m);
    const shares = await tmux.waitFor(/^web01 .* \d+\.\d% /m);
    assert.match(shares, / 5xx % /);
    tmux.keys('q');
    const after = await tmux.waitFor(/EXITED:0/);
    assert.equal(tmux.query('#{alternate_on}'), '0');
    assert.equal(tmux.query('#{cursor_flag}'), '1');
    assert.doesNotMatch(after, /│ total/);
  } finally {
    tmux.kill();
  }
});

test('pvlook demo --ascii: the live view, its help and its paged grid are ASCII to the last byte', async () => {
  const tmux = TmuxSession.start(`${pvlook} demo --ascii -n 0.3${afterwards}`, { cwd: root, env: { HOME: '/nonexistent' }, width: 120, height: 40 });
  const assertAscii = (screen: string, where: string) => {
    const bytes = Buffer.from(screen, 'utf8');
    const at = bytes.findIndex((byte) => byte >= 0x80);
    assert.equal(at, -1, `${where}: byte 0x${bytes[at]?.toString(16)} in ${JSON.stringify(bytes.subarray(Math.max(0, at - 40), at + 20).toString('utf8'))}`);
  };
  try {
    // The detailed table, once the rates (and the 5xx shares) are real.
    const table = await tmux.waitFor((screen) => /^host +log +lines\/s/m.test(screen) && /^web01 .* \d+\.\d% /m.test(screen));
    assert.match(table, /13 ok {2}0 stale {2}x 1 failed/);
    assert.match(table, /^-- nginx - [\d.k]+\/s \| 6 logs -+ *$/m);
    assertAscii(table, 'the detailed table');
    tmux.keys('?');
    assertAscii(await tmux.waitFor(/Reading the view/), 'the help');
    tmux.keys('x');
    await tmux.waitFor(/^host +log +lines\/s/m);
    tmux.resize(50, 8);
    const grid = await tmux.waitFor(/page 1\/\d/);
    assertAscii(grid, 'the paged grid');
    tmux.keys('q');
    assertAscii(await tmux.waitFor(/EXITED:0/), 'the shell afterwards');
    assert.equal(tmux.query('#{alternate_on}'), '0');
  } finally {
    tmux.kill();
  }
});

test('pvlook --watch against real sshd: Ctrl-C quits cleanly and restores the terminal', async () => {
  const command = `${pvlook} -w -n 0.3 -F ${JSON.stringify(sshd.sshConfig)} -l ${JSON.stringify(log)} ${sshd.hosts.join(' ')}${afterwards}`;
  const tmux = TmuxSession.start(command, { cwd: sshd.dir, env: { HOME: sshd.dir } });
  try {
    const screen = await tmux.waitFor(/^h2 .* [\d.]+ .* ok/m);
    assert.match(screen, /total [\d.]+\/s .* 2 ok/);
    tmux.keys('C-c');
    await tmux.waitFor(/EXITED:0/);
    assert.equal(tmux.query('#{alternate_on}'), '0');
    assert.equal(tmux.query('#{cursor_flag}'), '1');
  } finally {
    tmux.kill();
  }
});

/** The pvlook node process under the pane's shell. */
function pvlookPid(tmux: TmuxSession): number {
  const shell = tmux.panePid();
  const out = execFileSync('ps', ['-o', 'pid=', '--ppid', String(shell)]).toString().trim().split(/\s+/);
  return Number(out[0]);
}

for (const [signal, status] of [['SIGTERM', 143], ['SIGHUP', 129], ['SIGINT', 130]] as const) {
  test(`${signal} ends the live view with status ${status} and restores the terminal`, async () => {
    const tmux = TmuxSession.start(`${pvlook} demo -n 0.3${afterwards}`, { cwd: root, env: { HOME: '/nonexistent' } });
    try {
      await tmux.waitFor(/total [\d.]+\/s/);
      process.kill(pvlookPid(tmux), signal);
      await tmux.waitFor(new RegExp(`EXITED:${status}`));
      assert.equal(tmux.query('#{alternate_on}'), '0');
      assert.equal(tmux.query('#{cursor_flag}'), '1');
    } finally {
      tmux.kill();
    }
  });
}

test('a terminal resized down to one column and back: no crash, the frame fits, q still quits cleanly', async () => {
  const tmux = TmuxSession.start(`${pvlook} demo -n 0.2${afterwards}`, { cwd: root, env: { HOME: '/nonexistent' }, width: 100, height: 30 });
  try {
    await tmux.waitFor(/total [\d.]+\/s/);
    tmux.resize(1, 5);
    await new Promise((resolve) => setTimeout(resolve, 700));
    tmux.resize(40, 8);
    const narrow = await tmux.waitFor(/page 1\/\d/);
    for (const line of narrow.split('\n')) assert.ok([...line].length <= 40, `line wider than the terminal: ${JSON.stringify(line)}`);
    tmux.resize(120, 40);
    await tmux.waitFor(/13 ok {2}0 stale {2}✗ 1 failed/);
    tmux.keys('q');
    await tmux.waitFor(/EXITED:0/);
    assert.equal(tmux.query('#{alternate_on}'), '0');
  } finally {
    tmux.kill();
  }
});

test('pvlook --watch --json | head -3 ends cleanly when the reader goes away', async () => {
  const result = spawnSync('bash', ['-c', `${pvlook} demo --json -n 0.1 | head -3; echo "STATUS:\${PIPESTATUS[0]}"`], { cwd: root, env: { PATH: process.env.PATH, HOME: '/nonexistent' }, timeout: 30_000 });
  const stdout = result.stdout.toString();
  const lines = stdout.trim().split('\n');
  assert.equal(lines.length, 4);
  for (const line of lines.slice(0, 3)) assert.ok(JSON.parse(line).hosts.length > 0);
  assert.equal(lines[3], 'STATUS:0');
  assert.equal(result.stderr.toString(), '');
});
