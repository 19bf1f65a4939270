/**
 * A check that cannot run prints one UNKNOWN line: a config value it quotes
 * (a file found by searching may hold anything) is shown, never obeyed.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import { unknown } from '../../src/cli/check.js';
import type { MainIO } from '../../src/cli/session.js';

function io(): { io: MainIO; out: () => string } {
  const stdout = new PassThrough();
  let text = '';
  stdout.on('data', (chunk: Buffer) => (text += chunk.toString()));
  return { io: { stdout, stderr: new PassThrough(), stdin: new PassThrough(), env: {}, cwd: '/' } as unknown as MainIO, out: () => text };
}

test('UNKNOWN quotes a hostile config value escaped: no CSI, no bidi override, one line', async () => {
  const { io: sink, out } = io();
  const code = unknown(sink, false, 'config: interval must be a duration (got "\u009b2J\u202eevil")\nsecond line');
  await new Promise((resolve) => setImmediate(resolve));
  assert.equal(code, 3);
  assert.doesNotMatch(out(), /[\u0080-\u009f\u202a-\u202e\u2066-\u2069]/);
  assert.match(out(), /^PVLOOK UNKNOWN - config: interval must be a duration \(got "\\x9b2J\\u202eevil"\); second line\n$/);
});
