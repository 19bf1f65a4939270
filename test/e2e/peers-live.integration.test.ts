/**
 * The odd one out in the live view, in a real terminal (tmux), against real
 * sshd: the slow host and the 5xx host are marked without colour, counted in
 * the header, sorted first with o and shown alone with O; in the grid an
 * odd cell carries its mark between its name and its rate. Every wait is for the screen.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { startPeerPool, type PeerPool } from '../helpers/peer-pool.js';
import { TmuxSession } from '../helpers/tmux.js';
import { pvlookCommand as pvlook } from '../helpers/pvlook-command.js';

const afterwards = '; echo "EXITED:$?"; sleep 60';

let pool: PeerPool;
before(async () => {
  pool = await startPeerPool();
  pool.set('h2', 100, 10);
  pool.set('h6', 20);
  pool.set('h8', 10);
});
after(async () => {
  await pool?.stop();
});

const hostsShown = (screen: string) => screen.split('\n').flatMap((line) => /^(h\d)\b/.exec(line)?.[1] ?? []);

test('live view: odd logs marked with ! and their ratio, counted in the header, o sorts them first, O shows only them', async () => {
  const command = `${pvlook} -w -n 0.4 --no-color -F ${JSON.stringify(pool.sshd.sshConfig)} --config ${JSON.stringify(pool.config)}${afterwards}`;
  const tmux = TmuxSession.start(command, { width: 150, height: 30, cwd: pool.sshd.dir, env: { HOME: pool.sshd.dir } });
  try {
    let screen = await tmux.waitFor((s) => /! 2 odd/.test(s) && /^h6 .*! 0\.[1-3]\d× low/m.test(s), 60, 'h6 odd and two odd in the header');
    assert.match(screen, /8 ok .* ! 2 odd/);
    assert.match(screen, /^h2 .* ! \d+\.\d% high /m, 'the 5xx host: its share marked');
    assert.match(screen, /^h1 .* [01]\.\d\d× /m, 'an ordinary host shows its ratio, unmarked');
    assert.match(screen, /^h7 .* — /m, 'the pair: no ratio');
    assert.doesNotMatch(screen, /^h[13457] .*!/m);

    tmux.keys('o');
    screen = await tmux.waitFor(/odd first/);
    const pooled = hostsShown(screen).filter((name) => Number(name.slice(1)) <= 6);
    assert.deepEqual(pooled.slice(0, 2).sort(), ['h2', 'h6'], `odd first:\n${screen}`);

    tmux.keys('O');
    screen = await tmux.waitFor((s) => /odd only/.test(s) && hostsShown(s).length === 2, 30, 'only the odd logs');
    assert.deepEqual(hostsShown(screen).sort(), ['h2', 'h6']);

    tmux.keys('O');
    await tmux.waitFor((s) => !/odd only/.test(s) && hostsShown(s).length === 8, 30, 'every log again');

    // Too small for the table: the grid marks an odd cell after its name, in the space every cell has there.
    tmux.resize(70, 6);
    screen = await tmux.waitFor(/\bh6 *! *\d/, 30, 'h6 marked ! in the grid');
    assert.match(screen, /\bh2 *! *\d/);
    assert.doesNotMatch(screen, /\bh[13457] *!/);
    tmux.keys('q');
    await tmux.waitFor(/EXITED:0/);
  } finally {
    tmux.kill();
  }
});
