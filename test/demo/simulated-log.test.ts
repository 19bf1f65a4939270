import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseProbeOutput, type LogProbe } from '../../src/core/probe.js';
import { formatProbeOutput, SimulatedLog } from '../../src/demo/simulated-log.js';

const FIVE_XX = '" 5[0-9][0-9] ';
const GETS = '"GET ';

test('a simulated log counts pattern matches as the real script reports them, and its shares hold over time', () => {
  const log = new SimulatedLog({ rate: () => 73, shares: { [FIVE_XX]: () => 0.03 } });
  let previous: { fileId: string; offset: number } | null = null;
  let lines = 0;
  let errors = 0;
  for (let t = 0; t <= 60; t += 0.5) {
    const answer = log.probe({ path: '/var/log/access.log', previous, patterns: [FIVE_XX, GETS] }, t);
    // Through the wire format and back, exactly as the sampler reads a real host.
    const [parsed] = parseProbeOutput(formatProbeOutput(1e9 + t, [answer]), 1).logs as [LogProbe];
    assert.equal(parsed.kind, 'ok');
    if (parsed.kind !== 'ok') return;
    if (previous === null) {
      assert.equal(parsed.newLines, null, 'the first sample is a baseline');
      assert.equal(parsed.matches, undefined);
    } else {
      assert.ok(parsed.newLines !== null && parsed.matches !== undefined && parsed.next !== undefined);
      assert.equal(parsed.matches[1], 0, 'a pattern the simulation does not know matches nothing');
      assert.ok(parsed.matches[0]! <= parsed.newLines!);
      lines += parsed.newLines!;
      errors += parsed.matches[0]!;
    }
    previous = { fileId: parsed.fileId, offset: previous === null ? parsed.size : previous.offset + (parsed.next ?? 0) };
  }
  assert.ok(Math.abs(lines - 73 * 60) <= 1, `${lines} lines`);
  assert.ok(Math.abs(errors - 0.03 * lines) < 1, `${errors} errors in ${lines} lines`);
});
