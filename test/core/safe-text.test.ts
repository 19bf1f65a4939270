import { test } from 'node:test';
import assert from 'node:assert/strict';
import { safeLines, safeRow, safeText } from '../../src/core/safe-text.js';
import { row } from '../helpers/rows.js';

test('control, format and separator characters are shown escaped, never passed through', () => {
  assert.equal(safeText('\u001b]0;pwned\u0007'), '\\x1b]0;pwned\\x07', 'an OSC window-title sequence');
  assert.equal(safeText('\u001b[2J\u001b[H'), '\\x1b[2J\\x1b[H', 'clear screen and home');
  assert.equal(safeText('\u009b2J'), '\\x9b2J', 'the one-character C1 CSI');
  assert.equal(safeText('a\u0000b\u007fc'), 'a\\x00b\\x7fc', 'NUL and DEL');
  assert.equal(safeText('invoice\u202efdp.exe'), 'invoice\\u202efdp.exe', 'a right-to-left override');
  assert.equal(safeText('a\u2066b\u2069\u200fc'), 'a\\u2066b\\u2069\\u200fc', 'isolates and marks');
  assert.equal(safeText('line\nbreak\ttab\rreturn\u2028sep'), 'line\\nbreak\\ttab\\rreturn\\u2028sep');
  assert.equal(safeText('lone \ud800 surrogate'), 'lone \\ud800 surrogate');
});

test('ordinary text, including any printable Unicode, is unchanged', () => {
  for (const text of ['/var/log/nginx/access.log', 'connection refused by 192.0.2.16:22', '/srv/日本語/アクセス.log', 'café – naïve', '']) {
    assert.equal(safeText(text), text);
  }
});

test('two names that differ stay different once escaped: the backslash is escaped too', () => {
  const literal = 'a\\x1b';
  const escape = 'a\u001b';
  assert.notEqual(safeText(literal), safeText(escape));
  assert.equal(safeText(literal), 'a\\\\x1b');
  assert.equal(safeText(escape), 'a\\x1b');
  assert.equal(safeText('C:\\logs'), 'C:\\\\logs');
});

test('safeLines keeps line breaks and backslashes and escapes control characters', () => {
  assert.equal(safeLines('Error: \u001b[31mred\n    at x'), 'Error: \\x1b[31mred\n    at x');
  assert.equal(safeLines('pattern "\\d+" \u009b'), 'pattern "\\d+" \\x9b');
});

test('safeRow escapes every text field, and returns an ordinary row as it is', () => {
  const plain = row({ host: 'web01', rate: 5, patterns: [{ name: 'errors', lines: 1, rate: 1, share: 0.2 }] });
  assert.equal(safeRow(plain), plain, 'nothing to escape: the same object');
  const hostile = safeRow(row({ host: 'web\u001b[2J', group: 'g\u0007', log: '/l/\u001b]0;t\u0007', status: 'badoutput', error: 'got \u009b', patterns: [{ name: 'e\u202e', lines: 1, rate: 1, share: 0.2 }] }));
  assert.deepEqual([hostile.host, hostile.group, hostile.log, hostile.error, hostile.patterns?.[0]?.name], ['web\\x1b[2J', 'g\\x07', '/l/\\x1b]0;t\\x07', 'got \\x9b', 'e\\u202e']);
});
