import { test } from 'node:test';
import assert from 'node:assert/strict';
import { diagnosis, failed, passed } from '../../src/doctor/step.js';
import { doctorJson, doctorText } from '../../src/render/doctor-report.js';
import { makeStyle } from '../../src/render/style.js';

const healthy = diagnosis('web01', [passed('resolve', 'ops@10.0.0.1 port 22'), passed('transport', 'built-in client'), passed('connect', '10.0.0.1:22 in 2 ms')]);
const broken = diagnosis('web02', [passed('resolve', 'ops@10.0.0.2 port 22'), passed('transport', 'built-in client'), failed('connect', 'connection refused by 10.0.0.2:22', 'is sshd running there?')]);

test('a step that fails stops the host: its fix under it, the rest not reached, sudo not asked when --sudo was not given', () => {
  assert.equal(broken.ok, false);
  assert.deepEqual(broken.steps.map((step) => step.status), ['ok', 'ok', 'failed', 'not reached', 'not reached', 'not reached', 'not reached', 'not asked']);
  const text = doctorText([broken], makeStyle(false));
  assert.equal(
    text,
    [
      'web02: would not be sampled (connect failed)',
      '  ✓ resolve    ops@10.0.0.2 port 22',
      '  ✓ transport  built-in client',
      '  ✗ connect    connection refused by 10.0.0.2:22',
      '               fix: is sshd running there?',
      '  · handshake  not reached',
      '  · login      not reached',
      '  · shell      not reached',
      '  · logs       not reached',
      '  – sudo       not asked: pvlook reads logs as the login user (--sudo to read them as root)',
      '',
    ].join('\n'),
  );
  assert.equal(healthy.steps.at(-1)?.status, 'not asked');
});

test('ASCII marks with --ascii; colour only when asked; a summary for several hosts', () => {
  const text = doctorText([healthy, broken], makeStyle(false, true));
  assert.match(text, /^ {2}\+ resolve /m);
  assert.match(text, /^ {2}x connect /m);
  assert.match(text, /^ {2}\. handshake /m);
  assert.match(text, /^ {2}- sudo +not asked/m);
  assert.ok([...text].every((char) => char.charCodeAt(0) < 128), 'ASCII only');
  assert.match(text, /\n\n2 hosts: 1 ready, 1 not\n$/);
  assert.ok(doctorText([broken], makeStyle(true)).includes('\x1b[31m'));
});

test('host text cannot reach the terminal as control characters, in text or JSON', () => {
  const hostile = diagnosis('evil\x1b]0;owned\x07', [failed('resolve', 'ssh -G: bad \x1b[2J line \u202e', 'fix \x1b[31m it')]);
  const text = doctorText([hostile], makeStyle(false));
  assert.ok(!text.includes('\x1b') && !text.includes('\u202e') && !text.includes('\x07'));
  assert.match(text, /evil\\x1b\]0;owned\\x07/);
  const json = doctorJson([hostile]);
  assert.ok(!json.includes('\\u001b') && !json.includes('\u202e'));
  const parsed = JSON.parse(json);
  assert.equal(parsed.hosts[0].steps[0].fix, 'fix \\x1b[31m it');
});
