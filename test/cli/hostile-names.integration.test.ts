/**
 * File names are the host's text: a glob on a real sshd that matches files
 * whose names hold escape sequences (a window title, a clear screen), a C1
 * control and a bidi override. Whatever pvlook prints about them (table, JSON,
 * check, metrics) shows the names escaped and carries no control character.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { startSshd, type Sshd } from '../helpers/sshd.js';
import { appendLines, makeLog } from '../helpers/fleet.js';
import { runCli } from '../helpers/run-cli.js';
import { unsafeCharacters } from '../helpers/unsafe.js';

let sshd: Sshd;
let glob: string;
let writer: NodeJS.Timeout;
const NAMES = ['title\u001b]0;owned\u0007.log', 'clear\u001b[2J\u001b[H.log', 'csi\u009b31m.log', 'invoice\u202egol.log'];

before(async () => {
  sshd = await startSshd({ hostCount: 1 });
  const dir = path.join(sshd.logDir, 'hostile');
  mkdirSync(dir);
  chmodSync(dir, 0o777);
  const files = NAMES.map((name) => makeLog(sshd, path.join('hostile', name)));
  writer = setInterval(() => files.forEach((file) => appendLines(file, 1)), 10);
  glob = path.join(dir, '*.log');
});
after(async () => {
  clearInterval(writer);
  await sshd?.stop();
});

const run = (...argv: string[]) => runCli([...argv, '-F', sshd.sshConfig, '-l', glob, 'h1'], { cwd: sshd.dir, env: { HOME: sshd.dir } });

test('--split JSON and table show every matched name escaped, and nothing a terminal would obey', async () => {
  const json = await run('--json', '--split', '-n', '0.3');
  assert.equal(json.code, 0, json.stderr);
  assert.deepEqual(unsafeCharacters(json.stdout), []);
  const logs = (JSON.parse(json.stdout) as { hosts: { log: string }[] }).hosts.map((h) => path.basename(h.log)).sort();
  assert.deepEqual(logs, ['clear\\x1b[2J\\x1b[H.log', 'csi\\x9b31m.log', 'invoice\\u202egol.log', 'title\\x1b]0;owned\\x07.log']);
  assert.deepEqual(unsafeCharacters(JSON.stringify(logs)), [], 'nor once the JSON is decoded');

  const table = await run('--split', '-n', '0.3');
  assert.equal(table.code, 0, table.stderr);
  assert.ok(!table.stdout.includes('\u001b'), 'no escape at all: colour is off when not a terminal');
  assert.deepEqual(unsafeCharacters(table.stdout + table.stderr), []);
  assert.match(table.stdout, /title\\x1b\]0;owned\\x07\.log/);
});

test('pvlook check and the metrics textfile escape the names too', async () => {
  const check = await run('check', '--split', '-n', '0.3', '--samples', '2');
  assert.deepEqual(unsafeCharacters(check.stdout), [], check.stdout);
  assert.match(check.stdout, /^PVLOOK OK - 4 logs/);

  const file = path.join(sshd.dir, 'hostile.prom');
  const watch = await run('--split', '-n', '0.3', '--count', '2', '--textfile', file);
  assert.equal(watch.code, 0, watch.stderr);
  const metrics = readFileSync(file, 'utf8');
  assert.deepEqual(unsafeCharacters(metrics), []);
  assert.match(metrics, /^pvlook_log_lines_total\{host="h1",group="default",log="[^"]*\/invoice\\\\u202egol\.log"\} \d+$/m);
});
