/**
 * The shell functions with the real /bin/sh of this machine, through the
 * wire format: once per fresh shell (exec mode, and a session's first
 * sample) and in a long-lived shell that keeps the log open.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { appendFileSync, existsSync, mkdtempSync, readdirSync, renameSync, rmSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseHostSpec } from '../../src/core/host-spec.js';
import type { LogProbe, ProbeRequest } from '../../src/probe/wire.js';
import { askOnce, localProber } from '../helpers/local-shell.js';

const tmp = () => mkdtempSync(path.join(os.tmpdir(), 'pvlook-shell-'));
const host = parseHostSpec('local');
const next = (log: LogProbe | undefined) => (log?.kind === 'ok' ? { fileId: log.fileId, offset: log.offset } : null);
const forever = () => new AbortController().signal;

test('counts only the lines appended since the previous offset, and reads the host\'s uptime as its clock', () => {
  const dir = tmp();
  const log = path.join(dir, 'access.log');
  writeFileSync(log, 'one\ntwo\n');
  const first = askOnce(dir, [{ path: log, previous: null }]);
  assert.deepEqual(first.logs[0], { kind: 'ok', fileId: first.logs[0]!.kind === 'ok' ? first.logs[0]!.fileId : '', offset: 8, newLines: null, reason: 'first' });
  assert.equal(first.clock, existsSync('/proc/uptime') ? 'up' : 'wall');
  assert.ok(first.remoteTime !== null && first.remoteTime > 0);
  appendFileSync(log, 'three\nfour\nfive\n');
  const second = askOnce(dir, [{ path: log, previous: next(first.logs[0]) }]);
  assert.deepEqual(second.logs[0], { ...next(first.logs[0]), kind: 'ok', offset: statSync(log).size, newLines: 3 });
});

test('a long-lived shell keeps the log open: exact counts every sample, one shell for all of them', async () => {
  const dir = tmp();
  const log = path.join(dir, 'access.log');
  writeFileSync(log, 'x\n'.repeat(100));
  const { prober, transport } = localProber(dir);
  try {
    let previous: ProbeRequest['previous'] = null;
    const counts = [];
    for (const lines of [0, 5, 0, 250, 1]) {
      appendFileSync(log, 'GET / 200\n'.repeat(lines));
      const result = await prober.sample(host, [{ path: log, previous }], forever());
      const probe = result.logs[0]!;
      assert.equal(probe.kind, 'ok');
      counts.push(probe.kind === 'ok' ? probe.newLines : 'x');
      previous = next(probe);
    }
    assert.deepEqual(counts, [null, 5, 0, 250, 1]);
    assert.equal(transport.opened, 1);
  } finally {
    await prober.close();
  }
});

test('in a long-lived shell, rotation by rename, copytruncate and delete-and-recreate each start a new baseline', async () => {
  const dir = tmp();
  const log = path.join(dir, 'access.log');
  writeFileSync(log, 'old\n'.repeat(50));
  const { prober } = localProber(dir);
  let previous: ProbeRequest['previous'] = null;
  const sample = async () => {
    const probe = (await prober.sample(host, [{ path: log, previous }], forever())).logs[0]!;
    previous = next(probe);
    return probe.kind === 'ok' ? (probe.newLines ?? probe.reason) : probe.kind;
  };
  try {
    assert.equal(await sample(), 'first');
    appendFileSync(log, 'a\nb\n');
    assert.equal(await sample(), 2);
    renameSync(log, `${log}.1`);
    writeFileSync(log, 'new\n');
    assert.equal(await sample(), 'rotated');
    appendFileSync(log, 'c\n');
    assert.equal(await sample(), 1);
    truncateSync(log, 0);
    assert.equal(await sample(), 'truncated');
    appendFileSync(log, 'd\ne\nf\n');
    assert.equal(await sample(), 3);
    rmSync(log);
    assert.equal(await sample(), 'missing');
    writeFileSync(log, 'back\n');
    assert.equal(await sample(), 'first', 'pvlook forgot the log while it was gone');
    rmSync(log);
    writeFileSync(log, 'recreated, longer than before\nand more\n');
    assert.equal(await sample(), 'rotated');
  } finally {
    await prober.close();
  }
});

test('log paths with every shell-special character are read as data and never run', () => {
  const dir = tmp();
  const names = ["it's.log", 'a b.log', '$(touch pwned1).log', '`touch pwned2`.log', '-n', '--help', 'semi;touch pwned3', 'new\nline.log', '"dq".log', 'back\\slash.log'];
  for (const name of names) writeFileSync(path.join(dir, name), 'x\n');
  const first = askOnce(dir, names.map((name) => ({ path: name, previous: null })));
  const result = askOnce(dir, names.map((name, i) => ({ path: name, previous: { ...next(first.logs[i])!, offset: 0 } })));
  for (const log of result.logs) assert.deepEqual(log, { ...log, kind: 'ok', newLines: 1, offset: 2 });
  assert.deepEqual(readdirSync(dir).filter((file) => file.startsWith('pwned')), []);
});

test('missing, unreadable and directory paths are reported as such', () => {
  const dir = tmp();
  const result = askOnce(dir, [{ path: 'nope.log', previous: null }, { path: dir, previous: null }]);
  assert.deepEqual(result.logs, [{ kind: 'missing' }, { kind: 'unreadable' }]);
});

test('from a stateless shell: a new identity is a rotation, a smaller size a truncation, and the birth time tells a recreated file apart', () => {
  const dir = tmp();
  const log = path.join(dir, 'a.log');
  writeFileSync(log, 'short\n');
  const first = next(askOnce(dir, [{ path: log, previous: null }]).logs[0])!;
  assert.match(first.fileId, new RegExp(`^${statSync(log).ino}:`));
  assert.deepEqual(askOnce(dir, [{ path: log, previous: { ...first, offset: 1000 } }]).logs[0], { kind: 'ok', fileId: first.fileId, offset: 6, newLines: null, reason: 'truncated' });
  assert.deepEqual(askOnce(dir, [{ path: log, previous: { fileId: '1', offset: 0 } }]).logs[0], { kind: 'ok', fileId: first.fileId, offset: 6, newLines: null, reason: 'rotated' });
  rmSync(log);
  writeFileSync(log, 'new file, longer than the old one\nline\nline\n');
  const after = askOnce(dir, [{ path: log, previous: first }]).logs[0];
  assert.ok(after?.kind === 'ok' && after.fileId !== first.fileId && after.newLines === null);
});

test('non-UTF-8 bytes and very long lines are counted as lines', () => {
  const dir = tmp();
  const log = path.join(dir, 'a.log');
  writeFileSync(log, '');
  const first = next(askOnce(dir, [{ path: log, previous: null }]).logs[0])!;
  appendFileSync(log, Buffer.concat([Buffer.from([0xff, 0xfe, 0x00, 0x80, 0x0a]), Buffer.alloc(1 << 20, 0x41), Buffer.from('\n\u00e9\n')]));
  assert.deepEqual(askOnce(dir, [{ path: log, previous: first }]).logs[0], { kind: 'ok', fileId: first.fileId, offset: statSync(log).size, newLines: 3 });
});

test('patterns: whole lines only, a half-written line left for the next sample, regexes kept as written', async () => {
  const dir = tmp();
  const log = path.join(dir, 'a.log');
  writeFileSync(log, '');
  const patterns = [' 5[0-9][0-9]$', 'a\\.b', '^GET'];
  for (const session of ['exec', 'shell'] as const) {
    const { prober } = localProber(dir, session);
    try {
      writeFileSync(log, '');
      const first = next((await prober.sample(host, [{ path: log, previous: null, patterns }], forever())).logs[0]);
      appendFileSync(log, 'GET / 200\nGET /x 500\nGET /y 503\na.b\naxb\npartial 500');
      const second = (await prober.sample(host, [{ path: log, previous: first, patterns }], forever())).logs[0];
      const complete = 'GET / 200\nGET /x 500\nGET /y 503\na.b\naxb\n'.length;
      assert.deepEqual(second, { kind: 'ok', fileId: first?.fileId, offset: complete, newLines: 5, matches: [2, 1, 3] }, session);
      appendFileSync(log, '\n');
      const third = (await prober.sample(host, [{ path: log, previous: next(second), patterns }], forever())).logs[0];
      assert.deepEqual(third, { kind: 'ok', fileId: first?.fileId, offset: statSync(log).size, newLines: 1, matches: [1, 0, 0] }, session);
    } finally {
      await prober.close();
    }
  }
});

test('a log line holding the count\'s own sentinel cannot stop or skew the count', () => {
  const dir = tmp();
  const log = path.join(dir, 'a.log');
  writeFileSync(log, '');
  const first = next(askOnce(dir, [{ path: log, previous: null, patterns: ['x'] }]).logs[0])!;
  // The old fixed marker, and markers with guessed tags: a log cannot know the next request's tag.
  appendFileSync(log, 'x\n\u0001PVLOOK\u0002\nx \u00010123456789abcdef\u0002\nx\n');
  assert.deepEqual(askOnce(dir, [{ path: log, previous: first, patterns: ['x'] }]).logs[0], { kind: 'ok', fileId: first.fileId, offset: statSync(log).size, newLines: 4, matches: [3] });
});

test('a pattern the host\'s awk refuses is an error in awk\'s own words, even with no new lines', () => {
  const dir = tmp();
  const log = path.join(dir, 'a.log');
  writeFileSync(log, 'x\n');
  const result = askOnce(dir, [{ path: log, previous: null, patterns: ['bad=a('] }]);
  assert.equal(result.logs[0]?.kind, 'error');
  assert.match(result.logs[0]?.kind === 'error' ? result.logs[0].message : '', /awk/);
});

test('patterns with quotes, $(...) and backslashes are data', () => {
  const dir = tmp();
  const log = path.join(dir, 'a.log');
  writeFileSync(log, '');
  const first = next(askOnce(dir, [{ path: log, previous: null }]).logs[0])!;
  appendFileSync(log, `it's $(touch pwned) "q" \\ end\n`);
  const result = askOnce(dir, [{ path: log, previous: first, patterns: ["it's", '\\$\\(touch', '"q"', '\\\\ end'] }]).logs[0];
  assert.deepEqual(result?.kind === 'ok' && result.newLines !== null && result.matches, [1, 1, 1, 1]);
  assert.equal(existsSync(path.join(dir, 'pwned')), false);
});

test('a path with % is a strftime template filled in by the host\'s date', () => {
  const dir = tmp();
  // This hour's file and the next one's, so the test holds even if the hour turns while it runs.
  for (const when of ['now', '1 hour']) writeFileSync(path.join(dir, `access_log.${execFileSync('date', ['-d', when, '+%Y%m%d%H']).toString().trim()}`), 'a\nb\n');
  writeFileSync(path.join(dir, '100%'), 'literal\n');
  const result = askOnce(dir, [{ path: 'access_log.%Y%m%d%H', previous: null }, { path: '100%%', previous: null }]);
  assert.deepEqual(result.logs.map((log) => log.kind === 'ok' && log.offset), [4, 8]);
});

test('a glob is matched against file names on the host, odd names included, and never run', () => {
  const dir = tmp();
  const names = ['a.access.log', "it's b.access.log", 'new\nline.access.log', '$(touch pwned).access.log', 'other.log'];
  for (const name of names) writeFileSync(path.join(dir, name), 'x\n');
  const first = askOnce(dir, [{ path: '*.access.log', previous: null }, { path: 'nothing-*', previous: null }]);
  assert.deepEqual(first.logs[1], { kind: 'missing' });
  const glob = first.logs[0];
  assert.ok(glob?.kind === 'files');
  assert.deepEqual(glob.files.map((file) => file.path).sort(), names.filter((name) => name.endsWith('.access.log')).sort());
  assert.equal(existsSync(path.join(dir, 'pwned')), false);
  for (const name of names) appendFileSync(path.join(dir, name), 'y\nz\n');
  const files = glob.files.map(({ path: file, probe }) => ({ path: file, ...next(probe)! }));
  const second = askOnce(dir, [{ path: '*.access.log', previous: null, files }]).logs[0];
  assert.ok(second?.kind === 'files');
  assert.deepEqual(second.files.map((file) => file.probe.kind === 'ok' && file.probe.newLines), [2, 2, 2, 2]);
});
