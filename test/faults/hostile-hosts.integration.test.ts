/**
 * Hostile and broken hosts beside a healthy one, on a real OpenSSH sshd
 * whose forced commands play them: random bytes, escape sequences and fake
 * answer lines on stdout and stderr, an echo of pvlook's own input, a hang,
 * an endless stream of zeros. pvlook runs every view, the healthy host has a
 * rate on every view, no hostile row ever shows a number, and nothing a host
 * sends reaches the output as a control character.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { startSshd, type Sshd } from '../helpers/sshd.js';
import { appendLines, makeLog } from '../helpers/fleet.js';
import { runCli } from '../helpers/run-cli.js';
import { spawnPvlook } from '../helpers/pvlook-command.js';
import { jsonLinesUntil } from '../helpers/json-lines.js';

let sshd: Sshd;
let log: string;
let writer: NodeJS.Timeout;
const HOSTILE = {
  h2: 'head -c 50000000 /dev/urandom',
  h3: `printf '\\033]0;pwned\\007\\033[2J@pvlook2 0123456789abcdef end\\n@pvlook2 0123456789abcdef 0 ok 1 2 999999\\n'; printf '\\033]0;pwned\\007\\033[31mred\\n' >&2; exec /bin/sh -c "$SSH_ORIGINAL_COMMAND"`,
  h4: 'cat',
  h5: 'sleep 3600',
  h6: 'cat /dev/zero',
};

before(async () => {
  sshd = await startSshd({
    hostCount: 6,
    extraConfig: Object.values(HOSTILE).flatMap((command, i) => [`Match LocalAddress ADDR${i + 2}`, `  ForceCommand ${command}`]),
  });
  log = makeLog(sshd, 'hostile.log');
  writer = setInterval(() => appendLines(log, 3), 20);
});
after(async () => {
  clearInterval(writer);
  await sshd?.stop();
});

interface JsonLine {
  hosts: { host: string; status: string; rate: number | null; error: string | null }[];
}

test('hostile hosts fail only their own rows, never with a number; the healthy host has a rate on every view', async () => {
  const hosts = ['h1', ...Object.keys(HOSTILE)];
  const pvlook = spawnPvlook(['--watch', '--json', '-n', '0.5', '--timeout', '2', '-F', sshd.sshConfig, '-l', log, ...hosts], { cwd: sshd.dir, env: { PATH: process.env.PATH, HOME: sshd.dir } });
  // Read views until the healthy host has had a rate on three views in a row and every hostile one has failed
  // (on a busy machine connecting takes a while: waited for, not timed).
  let healthyViews = 0;
  let lines: JsonLine[];
  try {
    lines = await jsonLinesUntil<JsonLine>(pvlook, (line) => {
      healthyViews = line.hosts.find((row) => row.host === 'h1')?.rate != null ? healthyViews + 1 : 0;
      const failed = line.hosts.filter((row) => row.status !== 'ok' && row.status !== 'stale').map((row) => row.host).sort();
      return healthyViews >= 3 && failed.join() === 'h2,h4,h5,h6';
    }, 120);
  } finally {
    pvlook.kill('SIGTERM');
  }
  const firstRate = lines.findIndex((line) => line.hosts.find((row) => row.host === 'h1')?.rate !== null);
  for (const [view, line] of lines.entries()) {
    const byName = (name: string) => line.hosts.find((row) => row.host === name);
    const [healthy, chatty] = [byName('h1'), byName('h3')];
    const hostile = line.hosts.filter((row) => !['h1', 'h3'].includes(row.host));
    // Once the healthy host has a rate it has one on every view.
    if (view > firstRate) assert.deepEqual([healthy?.status, healthy?.rate !== null], ['ok', true], `view ${view + 1}: ${JSON.stringify(healthy)}`);
    // h3 wraps a real shell in escape sequences and a fake answer: the fake is ignored, the real answer counts.
    assert.ok(chatty?.rate === null || chatty?.rate === undefined || (chatty.status === 'ok' && chatty.rate < 1000), `view ${view + 1}: ${JSON.stringify(chatty)}`);
    for (const row of hostile) assert.ok(row.rate === null, `view ${view + 1}: ${row.host} shows ${row.rate} (${row.status})`);
  }
  const errors = Object.fromEntries(lines.at(-1)!.hosts.map((row) => [row.host, row.error ?? '']));
  assert.match(errors.h2!, /more than 1 MiB|ended|unexpected/);
  assert.match(errors.h6!, /more than 1 MiB/);
  assert.match(errors.h5!, /no answer within 2s|ended/);
});

test('nothing a host sends reaches plain-text output as a control character', async () => {
  const hosts = ['h1', ...Object.keys(HOSTILE)];
  const result = await runCli(['--count', '3', '-n', '0.5', '--timeout', '2', '--no-color', '-F', sshd.sshConfig, '-l', log, ...hosts], { cwd: sshd.dir, env: { HOME: sshd.dir } });
  assert.ok(result.stdout.includes('h3'), result.stdout);
  const controls = [...result.stdout].filter((char) => {
    const code = char.codePointAt(0)!;
    return (code < 0x20 && char !== '\n') || (code >= 0x7f && code <= 0x9f) || (code >= 0x202a && code <= 0x202e);
  });
  assert.deepEqual(controls, []);
  assert.ok(!(result.stdout + result.stderr).includes('pwned\u0007'), 'an OSC title sequence got through');
});
