/**
 * `--count N` ends a watch with an answer: a host slower than the interval is
 * stale on the ticks it misses, but the last tick waits for it (as a snapshot
 * does), so the run's final line and exit status say how the host really is.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { startSshd, type Sshd } from '../helpers/sshd.js';
import { appendLines, makeLog } from '../helpers/fleet.js';
import { runCli } from '../helpers/run-cli.js';

let sshd: Sshd;
let log: string;
let writer: NodeJS.Timeout;
before(async () => {
  // Every command on this host takes at least 0.6 s, three intervals of 0.2 s.
  sshd = await startSshd({ hostCount: 1, extraConfig: ['Match all', '  ForceCommand sleep 0.6; /bin/sh -c "$SSH_ORIGINAL_COMMAND"'] });
  log = makeLog(sshd, 'slow.log');
  writer = setInterval(() => appendLines(log, 5), 10);
});
after(async () => {
  clearInterval(writer);
  await sshd?.stop();
});

test('the last of --count ticks waits for a slow host instead of calling it stale', async () => {
  const result = await runCli(['--json', '--count', '4', '-n', '0.2', '-F', sshd.sshConfig, '-l', log, 'h1'], { cwd: sshd.dir, env: { HOME: sshd.dir } });
  const lines = result.stdout.trim().split('\n').map((line) => JSON.parse(line) as { hosts: { status: string }[] });
  assert.equal(lines.length, 4);
  assert.ok(lines.slice(0, 3).some((line) => line.hosts[0]!.status === 'stale'), 'the host is slower than the interval');
  assert.equal(lines[3]!.hosts[0]!.status, 'ok', 'the final tick has its answer');
  assert.equal(result.code, 0, result.stderr);
});
