/**
 * `--ascii` as a user runs it: the demo's watch, not on a terminal, and the
 * help of every command, are ASCII to the last byte.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runCli } from '../helpers/run-cli.js';

function assertAscii(text: string, where: string): void {
  assert.ok(text.length > 0, `${where}: something is printed`);
  const bytes = Buffer.from(text, 'utf8');
  const at = bytes.findIndex((byte) => byte >= 0x80);
  assert.equal(at, -1, `${where}: byte 0x${bytes[at]?.toString(16)} in ${JSON.stringify(bytes.subarray(Math.max(0, at - 40), at + 20).toString('utf8'))}`);
}

test('pvlook demo --ascii, not on a terminal: every table, border, mark and note is ASCII', async () => {
  const result = await runCli(['demo', '--ascii', '--count', '3', '-n', '0.3'], { env: { HOME: '/nonexistent' } });
  assertAscii(result.stdout, 'stdout');
  assert.equal(result.stderr, '');
  // One table per tick, each with ASCII borders, a total row and the down host's reason.
  assert.equal(result.stdout.match(/^\| total /gm)?.length, 3);
  assert.match(result.stdout, /^\+-+\+-+\+/m);
  assert.match(result.stdout, /^\| host +\| group +\| log +\| lines\/s \| peers .*\| trend +\|(?: last minute +\|)? status +\|$/m);
  assert.match(result.stdout, /^\| web06 .*\| x refused/m);
  assert.match(result.stdout, /^x web06 \(\w+\): /m);
  // A host failed, so the run's answer is 1, as without --ascii.
  assert.equal(result.code, 1);
});

test('the help of every command is ASCII', async () => {
  for (const argv of [['--help'], ['check', '--help'], ['doctor', '--help'], ['demo', '--help']]) {
    const result = await runCli(argv);
    assertAscii(result.stdout + result.stderr, argv.join(' '));
  }
});
