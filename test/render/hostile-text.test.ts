/**
 * Text a host controls (error messages, file names from a glob) fed through
 * every renderer: whatever it holds, the output carries no control character
 * but pvlook's own colour codes and line breaks, and shows the text escaped.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { judgeFleet, statusLine } from '../../src/core/check.js';
import { DEFAULT_TREND } from '../../src/core/trend.js';
import { renderJsonLine } from '../../src/render/json.js';
import { renderFrame } from '../../src/render/live-frame.js';
import { makeStyle } from '../../src/render/style.js';
import { renderTable } from '../../src/render/table.js';
import { INITIAL_VIEW } from '../../src/render/view-state.js';
import { row, snapshotOf } from '../helpers/rows.js';
import { unsafeCharacters } from '../helpers/unsafe.js';

const TITLE = '\u001b]0;owned\u0007';
const CLEAR = '\u001b[2J\u001b[H';
const hostile = [
  row({ host: 'web01', log: `/var/log/${TITLE}.log`, rate: 10, history: [10] }),
  row({ host: 'web02', log: '/var/log/a\u0000b\u009b2J.log', status: 'badoutput', error: `unexpected output from the host: ${CLEAR}\u202eevil` }),
  row({ host: 'web03', log: '/var/log/x\nnew line\u007f.log', status: 'stale', error: `waiting ${TITLE}` }),
];
const snapshot = snapshotOf(hostile);

function assertSafe(text: string, where: string): void {
  assert.deepEqual(unsafeCharacters(text), [], `${where}: ${JSON.stringify(text)}`);
}

test('the table shows host text escaped, with no control character of its own', () => {
  for (const style of [makeStyle(false), makeStyle(true)]) {
    const text = renderTable(snapshot, style);
    assertSafe(text, 'table');
    if (!style.color) assert.ok(!text.includes('\u001b'), 'no escape at all without colour');
    assert.ok(text.includes('\\x1b]0;owned\\x07'), 'the file name is shown escaped');
    assert.ok(text.includes('\\x1b[2J\\x1b[H\\u202eevil'), 'the error is shown escaped');
  }
});

test('JSON lines carry escaped host text: no C1 or bidi character for a terminal to obey', () => {
  const line = renderJsonLine(snapshot);
  assertSafe(line, 'json');
  const parsed = JSON.parse(line) as { hosts: { log: string; error: string | null }[] };
  assertSafe(parsed.hosts.map((h) => `${h.log}${h.error ?? ''}`).join(''), 'json, decoded');
  assert.equal(parsed.hosts[1]?.log, '/var/log/a\\x00b\\x9b2J.log');
});

test('the live view, in the detailed table and in the grid, draws host text escaped', () => {
  const many = [...hostile, ...Array.from({ length: 60 }, (_, i) => row({ host: `h${i}\u001b[31m`, rate: i, history: [i] }))];
  for (const rows of [hostile, many]) {
    for (const style of [makeStyle(false), makeStyle(true)]) {
      const { text } = renderFrame({ snapshot: snapshotOf(rows), totals: [1, 2], view: INITIAL_VIEW, size: { width: 160, height: 30 }, style, trend: DEFAULT_TREND });
      assertSafe(text, `live view, ${rows.length} rows`);
      // Without colour pvlook writes no escape at all, so none can hide among its colour codes.
      if (!style.color) assert.ok(!text.includes('\u001b'), text);
      if (rows === many && !style.color) assert.ok(text.includes('h1\\x1b[31m'), 'a host name is shown escaped');
    }
  }
});

test('pvlook check: status line, perfdata and verdict rows are safe', () => {
  const result = judgeFleet(hostile, () => ({ minRate: 1 }));
  assertSafe(statusLine(result), 'status line');
  assertSafe(JSON.stringify(result.verdicts.map((v) => [v.row.host, v.row.log, v.row.error, v.reasons])), 'verdicts');
  assert.match(statusLine(result), /badoutput: unexpected output from the host: \\x1b\[2J/);
});
