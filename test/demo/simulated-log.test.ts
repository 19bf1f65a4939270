import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeAnswer, encodeRequest, newTag } from '../../src/probe/wire.js';
import { type LogProbe, type ProbeRequest } from '../../src/core/probe-types.js';
import { SimulatedLog } from '../../src/demo/simulated-log.js';
import { SimulatedShell } from '../../src/demo/simulated-shell.js';
import { SHELL_PRELUDE } from '../../src/probe/shell-prelude.js';

const FIVE_XX = '" 5[0-9][0-9] ';
const GETS = '"GET ';
const PATH = '/var/log/access.log';

test('a simulated host answers through the wire format as a real shell does, and its pattern shares hold over time', () => {
  const log = new SimulatedLog({ rate: () => 73, shares: { [FIVE_XX]: () => 0.03 } });
  let t = 0;
  let output = '';
  const shell = new SimulatedShell({ logs: new Map([[PATH, log]]) }, () => t, (text) => (output += text));
  // The shell functions arrive first, as pvlook sends them; a simulated host has nothing to define.
  shell.feed(SHELL_PRELUDE);
  assert.equal(output, '');
  let previous: ProbeRequest['previous'] = null;
  let lines = 0;
  let errors = 0;
  for (t = 0; t <= 60; t += 0.5) {
    const tag = newTag();
    const line = encodeRequest(tag, [{ path: PATH, previous, patterns: [FIVE_XX, GETS] }, { path: '/nope', previous: null }]);
    // Requests may arrive in pieces.
    shell.feed(line.slice(0, 10));
    shell.feed(line.slice(10));
    const [answer, missing]: LogProbe[] = decodeAnswer(output, tag, 2).logs;
    output = '';
    assert.deepEqual(missing, { kind: 'missing' });
    assert.ok(answer?.kind === 'ok');
    if (previous === null) {
      assert.deepEqual([answer.newLines, answer.newLines === null && answer.reason], [null, 'first']);
    } else {
      assert.ok(answer.newLines !== null && answer.matches !== undefined);
      assert.equal(answer.matches[1], 0, 'a pattern the simulation does not know matches nothing');
      assert.ok(answer.matches[0]! <= answer.newLines);
      lines += answer.newLines;
      errors += answer.matches[0]!;
    }
    previous = { fileId: answer.fileId, offset: answer.offset };
  }
  assert.ok(Math.abs(lines - 73 * 60) <= 1, `${lines} lines`);
  assert.ok(Math.abs(errors - 0.03 * lines) < 1, `${errors} errors in ${lines} lines`);
});

test('a simulated log rotates into a new file, reported as the real shell reports it', () => {
  const log = new SimulatedLog({ rate: () => 10, rotateEverySeconds: 5 });
  const first = log.probe({ path: PATH, previous: null }, 1);
  assert.ok(first.kind === 'ok');
  const second = log.probe({ path: PATH, previous: { fileId: first.fileId, offset: first.offset } }, 2);
  assert.deepEqual(second.kind === 'ok' && second.newLines, 10);
  const rotated = log.probe({ path: PATH, previous: { fileId: first.fileId, offset: first.offset } }, 6);
  assert.deepEqual(rotated.kind === 'ok' && rotated.newLines === null && rotated.reason, 'rotated');
});
