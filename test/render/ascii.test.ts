/**
 * --ascii: every byte of every mode is below 0x80, borders, marks, cuts,
 * sparklines and help included, and host text beyond ASCII (a name, a path,
 * an ssh error) is escaped without two names coming to read the same.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { judgeFleet, statusLine } from '../../src/core/check.js';
import { DEFAULT_PEER_OPTIONS } from '../../src/core/peer-compare.js';
import { withPeers } from '../../src/core/peers.js';
import { asciiText, safeText } from '../../src/core/safe-text.js';
import type { Row, Snapshot } from '../../src/core/snapshot.js';
import { DEFAULT_TREND } from '../../src/core/trend.js';
import { diagnosis, failed, passed } from '../../src/doctor/step.js';
import { doctorText } from '../../src/render/doctor-report.js';
import { renderFrame } from '../../src/render/live-frame.js';
import { makeStyle, type Style } from '../../src/render/style.js';
import { renderTable } from '../../src/render/table.js';
import { INITIAL_VIEW, type ViewState } from '../../src/render/view-state.js';
import { row, snapshotOf } from '../helpers/rows.js';

const ascii = makeStyle(false, true);
const asciiColour = makeStyle(true, true);

/** Every byte at or above 0x80, with where it is: none is the point. */
function nonAscii(text: string): string[] {
  const bytes = Buffer.from(text, 'utf8');
  const found: string[] = [];
  bytes.forEach((byte, i) => {
    if (byte >= 0x80) found.push(`0x${byte.toString(16)} at ${i}: ${JSON.stringify(bytes.subarray(Math.max(0, i - 20), i + 10).toString('utf8'))}`);
  });
  return found;
}

function assertAscii(text: string, where: string): void {
  assert.ok(text.length > 0, `${where}: something is drawn`);
  assert.deepEqual(nonAscii(text), [], where);
}

const errors = (rate: number, share: number) => [{ name: 'errors', lines: Math.round(rate), rate, share }];

/** A pool with an odd log, failures, a stale host, patterns, a log carried in the total, and host text beyond ASCII. */
function fleet(): Row[] {
  const ok = (host: string, rate: number, extra: Partial<Row> = {}) =>
    row({ host, group: 'web', log: '/var/log/nginx/access.log', rate, lines: rate * 2, trend: 'up', change: 5, history: [rate, rate, rate], patterns: errors(rate / 50, 0.02), ...extra });
  const pool = [
    ok('web01', 100),
    ok('web02', 102, { trend: 'down' }),
    ok('web03', 98, { trend: 'flat' }),
    ok('web04', 20, { patterns: errors(4, 0.2) }),
    ok('wéb05-ü', 101, { log: '/var/log/ñginx/accès.log' }),
    row({ host: 'web06', group: 'web', history: [100, null], age: 0 }),
  ];
  return [
    ...withPeers(pool, () => DEFAULT_PEER_OPTIONS),
    row({ host: 'db01', group: 'дб', status: 'refused', error: 'connect to host db01 port 22: Connexion refusée', age: 42 }),
    row({ host: 'db02', group: 'дб', status: 'stale', error: 'waiting for an answer (2.0s)', age: 3 }),
    row({ host: 'cache01', group: 'cache', status: 'hostkey', error: 'HOST KEY CHANGED — see ~/.ssh/known_hosts' }),
    row({ host: `very-long-host-name-${'x'.repeat(40)}.example.com`, group: 'cache', log: `/var/log/${'deep/'.repeat(20)}access.log`, rate: 123_456, trend: 'up', history: [1, 2, 3] }),
  ];
}

function snapshot(): Snapshot {
  return { ...snapshotOf(fleet()), historyLength: 60 };
}

const frame = (view: Partial<ViewState>, width: number, height: number, style: Style = ascii, snap = snapshot()) =>
  renderFrame({ snapshot: snap, totals: [null, 300, 310, 320], view: { ...INITIAL_VIEW, ...view }, size: { width, height }, style, trend: DEFAULT_TREND, title: 'démo' });

test('the snapshot table, its total row and its error notes are ASCII', () => {
  for (const style of [ascii, asciiColour]) {
    const text = renderTable(snapshot(), style);
    assertAscii(text, `table (colour ${style.color})`);
  }
  const text = renderTable(snapshot(), ascii);
  assert.match(text, /^\+-+\+/, 'ASCII borders');
  assert.match(text, /^\| host +\| group +\| log /m);
  assert.match(text, /\| total +\| +\| 7 ok, 1 stale, 2 failed, 1 carried, ! 1 odd +\|/);
  assert.match(text, /^x db01 \(\\u0434\\u0431\): connect to host db01 port 22: Connexion refus\\xe9e$/m, 'a failure note, its host text escaped');
  assert.match(text, /^~ db02 \(\\u0434\\u0431\): waiting/m, 'a stale note');
  assert.match(text, /\| web04 .*\| ! 0\.20x low +\|/, 'an odd log');
  assert.match(text, /\| w\\xe9b05-\\xfc /, 'a name beyond ASCII, escaped');
});

test('the live view is ASCII in the detailed table, the grid, pages, help, the filter and an empty view', () => {
  const cases: [string, Partial<ViewState>, number, number][] = [
    ['detailed table, grouped', {}, 160, 40],
    ['detailed table, ungrouped', { grouped: false }, 160, 40],
    ['detailed table, narrow', {}, 62, 40],
    ['grid', {}, 120, 8],
    ['paged grid', {}, 40, 4],
    ['help', { help: true }, 120, 40],
    ['typing a filter', { editing: 'wé' }, 120, 40],
    ['an applied filter', { filter: 'web' }, 120, 40],
    ['nothing matches', { filter: 'ñ' }, 120, 40],
    ['odd only', { oddOnly: true, oddFirst: true }, 120, 40],
    ['paused', { paused: true }, 120, 40],
    ['tiny', {}, 9, 3],
  ];
  for (const [name, view, width, height] of cases) {
    for (const style of [ascii, asciiColour]) assertAscii(frame(view, width, height, style).text, `${name} (colour ${style.color})`);
  }
  assert.match(frame({}, 160, 40).text, /^host +log +lines\/s +peers +errors\/s +errors % +trend +last minute +status/m, 'the detailed table, not the grid');
  assert.match(frame({}, 160, 40).text, /^-- web - \d+\/s \(1 carried\) \| 6 logs -+ *$/m, 'a section header in ASCII');
  assert.doesNotMatch(frame({}, 120, 8).text, /lines\/s/, 'the grid, not the table');
  assert.match(frame({}, 40, 4).text, /page 1\/\d+/);
  assert.match(frame({ help: true }, 120, 40).text, /\^ up, v down, = flat/);
});

test('a cut in ASCII mode is marked ..., never with the one-character ellipsis', () => {
  const text = frame({ grouped: false }, 100, 40).text;
  assert.match(text, /^very-long-h[\w-]*\.\.\.[\w.]*\.com +cache +\.\.\.[a-z/]*\/access\.log +123k /m, 'the long host name cut in the middle, the deep path keeping its end');
});

test('the doctor report is ASCII, host text included', () => {
  const broken = diagnosis('wéb02', [passed('resolve', 'ops@10.0.0.2 port 22'), passed('transport', 'built-in client'), failed('connect', 'connexion refusée par 10.0.0.2:22', 'is sshd running there?')]);
  const healthy = diagnosis('web01', [passed('resolve', 'ops@10.0.0.1 port 22'), passed('transport', 'built-in client'), passed('connect', '10.0.0.1:22 in 2 ms')]);
  for (const style of [ascii, asciiColour]) assertAscii(doctorText([healthy, broken], style), `doctor (colour ${style.color})`);
  assert.match(doctorText([broken], ascii), /^w\\xe9b02: would not be sampled/);
});

test("the check's status line is ASCII of itself; host names stay as they are, whatever the display setting", () => {
  // Only the hosts whose own text is ASCII: what is left beyond ASCII would be pvlook's.
  const rows = snapshot().rows.filter((r) => /^[\x20-\x7e]*$/.test(r.host + r.group + r.log + (r.error ?? '')));
  const judged = judgeFleet(rows, () => ({ peers: true, minRate: 50 }));
  const line = statusLine(judged);
  assert.match(line, /odd among peers: rate 0\.2\d*x its peers' median/);
  assertAscii(line, 'check, ASCII host names');
  // Perfdata labels are series names in Nagios: they must not change with PVLOOK_ASCII.
  const every = statusLine(judgeFleet(snapshot().rows, () => ({ peers: true })));
  const named = snapshot().rows.find((r) => !/^[\x20-\x7e]*$/.test(r.host));
  assert.ok(named !== undefined && every.includes(`'${safeText(named.host)} `), 'a host name beyond ASCII is a perfdata label as it is');
});

test('escaping beyond ASCII keeps distinct names distinct', () => {
  const names = ['wéb', 'w\\xe9b', 'w\\\\xe9b', 'w\u00e9b\u202e', 'w\\u202eb', 'w\u{1f600}', 'w\\u{1f600}', 'дб'];
  const shown = names.map((name) => asciiText(safeText(name)));
  for (const text of shown) assertAscii(text, text);
  assert.equal(new Set(shown).size, names.length, shown.join(' '));
  assert.equal(asciiText(safeText('web01.example.com')), 'web01.example.com', 'ASCII names are left as they are');
});
