/**
 * The shell functions with real shells and tools, through the wire format:
 * once per fresh shell (exec mode, and a session's first sample) and in a
 * long-lived shell that keeps the log open. Every case runs on each flavour
 * of host userland: this machine's dash with GNU coreutils, and BusyBox
 * (its ash, and only its applets on PATH).
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { appendFileSync, existsSync, mkdtempSync, readdirSync, renameSync, rmSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { MAX_GLOB_FILES } from '../../src/probe/shell-prelude.js';
import { parseHostSpec } from '../../src/core/host-spec.js';
import type { LogProbe, ProbeRequest } from '../../src/core/probe-types.js';
import type { SessionMode } from '../../src/core/session-mode.js';
import { askOnce, busyboxShell, HOST_SHELL, hostShellWith, localProber } from '../helpers/local-shell.js';

const tmp = () => mkdtempSync(path.join(os.tmpdir(), 'pvlook-shell-'));
const host = parseHostSpec('local');
const next = (log: LogProbe | undefined) => (log?.kind === 'ok' ? { fileId: log.fileId, offset: log.offset } : null);
const forever = () => new AbortController().signal;


for (const flavour of [HOST_SHELL, busyboxShell()]) {
  describe(flavour.name, () => {
    const ask = (dir: string, requests: readonly ProbeRequest[]) => askOnce(dir, requests, flavour);
    const proberOn = (dir: string, session: SessionMode = 'shell') => localProber(dir, session, undefined, flavour);

  test('counts only the lines appended since the previous offset, and reads the host\'s uptime as its clock', () => {
    const dir = tmp();
    const log = path.join(dir, 'access.log');
    writeFileSync(log, 'one\ntwo\n');
    const first = ask(dir, [{ path: log, previous: null }]);
    assert.deepEqual(first.logs[0], { kind: 'ok', fileId: first.logs[0]!.kind === 'ok' ? first.logs[0]!.fileId : '', offset: 8, newLines: null, reason: 'first' });
    assert.equal(first.clock, existsSync('/proc/uptime') ? 'up' : 'wall');
    assert.ok(first.remoteTime !== null && first.remoteTime > 0);
    appendFileSync(log, 'three\nfour\nfive\n');
    const second = ask(dir, [{ path: log, previous: next(first.logs[0]) }]);
    assert.deepEqual(second.logs[0], { ...next(first.logs[0]), kind: 'ok', offset: statSync(log).size, newLines: 3 });
  });

  test('a long-lived shell keeps the log open: exact counts every sample, one shell for all of them', async () => {
    const dir = tmp();
    const log = path.join(dir, 'access.log');
    writeFileSync(log, 'x\n'.repeat(100));
    const { prober, transport } = proberOn(dir);
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
    const { prober } = proberOn(dir);
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
    const first = ask(dir, names.map((name) => ({ path: name, previous: null })));
    const result = ask(dir, names.map((name, i) => ({ path: name, previous: { ...next(first.logs[i])!, offset: 0 } })));
    for (const log of result.logs) assert.deepEqual(log, { ...log, kind: 'ok', newLines: 1, offset: 2 });
    assert.deepEqual(readdirSync(dir).filter((file) => file.startsWith('pwned')), []);
  });

  test('missing, unreadable and directory paths are reported as such', () => {
    const dir = tmp();
    const result = ask(dir, [{ path: 'nope.log', previous: null }, { path: dir, previous: null }]);
    assert.deepEqual(result.logs, [{ kind: 'missing' }, { kind: 'unreadable' }]);
  });

  test('from a stateless shell: a new identity is a rotation, a smaller size a truncation, and the birth time (where stat has one) tells a recreated file apart', () => {
    const dir = tmp();
    const log = path.join(dir, 'a.log');
    writeFileSync(log, 'short\n');
    const first = next(ask(dir, [{ path: log, previous: null }]).logs[0])!;
    // BusyBox's stat has no birth time: the identity is the inode alone.
    assert.match(first.fileId, new RegExp(`^${statSync(log).ino}${flavour.birthTime ? ':' : '$'}`));
    assert.deepEqual(ask(dir, [{ path: log, previous: { ...first, offset: 1000 } }]).logs[0], { kind: 'ok', fileId: first.fileId, offset: 6, newLines: null, reason: 'truncated' });
    assert.deepEqual(ask(dir, [{ path: log, previous: { fileId: '1', offset: 0 } }]).logs[0], { kind: 'ok', fileId: first.fileId, offset: 6, newLines: null, reason: 'rotated' });
    // Without a birth time only a new inode tells a new file: keep the old file so its inode cannot be reused.
    if (flavour.birthTime) rmSync(log);
    else renameSync(log, `${log}.1`);
    writeFileSync(log, 'new file, longer than the old one\nline\nline\n');
    const after = ask(dir, [{ path: log, previous: first }]).logs[0];
    assert.ok(after?.kind === 'ok' && after.fileId !== first.fileId && after.newLines === null);
  });

  test('non-UTF-8 bytes and very long lines are counted as lines', () => {
    const dir = tmp();
    const log = path.join(dir, 'a.log');
    writeFileSync(log, '');
    const first = next(ask(dir, [{ path: log, previous: null }]).logs[0])!;
    appendFileSync(log, Buffer.concat([Buffer.from([0xff, 0xfe, 0x00, 0x80, 0x0a]), Buffer.alloc(1 << 20, 0x41), Buffer.from('\n\u00e9\n')]));
    assert.deepEqual(ask(dir, [{ path: log, previous: first }]).logs[0], { kind: 'ok', fileId: first.fileId, offset: statSync(log).size, newLines: 3 });
  });

  test('patterns: whole lines only, a half-written line left for the next sample, regexes kept as written', async () => {
    const dir = tmp();
    const log = path.join(dir, 'a.log');
    writeFileSync(log, '');
    const patterns = [' 5[0-9][0-9]$', 'a\\.b', '^GET'];
    for (const session of ['exec', 'shell'] as const) {
      const { prober } = proberOn(dir, session);
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
    const first = next(ask(dir, [{ path: log, previous: null, patterns: ['x'] }]).logs[0])!;
    // The old fixed marker, and markers with guessed tags: a log cannot know the next request's tag.
    appendFileSync(log, 'x\n\u0001PVLOOK\u0002\nx \u00010123456789abcdef\u0002\nx\n');
    assert.deepEqual(ask(dir, [{ path: log, previous: first, patterns: ['x'] }]).logs[0], { kind: 'ok', fileId: first.fileId, offset: statSync(log).size, newLines: 4, matches: [3] });
  });

  test('NUL bytes are counted as part of their line by the patterns\' awk too (BusyBox awk would end a line there)', () => {
    const dir = tmp();
    const log = path.join(dir, 'a.log');
    writeFileSync(log, '');
    const first = next(ask(dir, [{ path: log, previous: null, patterns: ['b'] }]).logs[0])!;
    appendFileSync(log, Buffer.from('a\0b\n\0\0\nc\n'));
    assert.deepEqual(ask(dir, [{ path: log, previous: first, patterns: ['b'] }]).logs[0], { kind: 'ok', fileId: first.fileId, offset: statSync(log).size, newLines: 3, matches: [1] });
  });

  test('a pattern the host\'s awk refuses is an error in awk\'s own words, even with no new lines', () => {
    const dir = tmp();
    const log = path.join(dir, 'a.log');
    writeFileSync(log, 'x\n');
    const result = ask(dir, [{ path: log, previous: null, patterns: ['bad=[a'] }]);
    assert.equal(result.logs[0]?.kind, 'error');
    assert.match(result.logs[0]?.kind === 'error' ? result.logs[0].message : '', /awk/);
  });

  test('patterns with quotes, $(...) and backslashes are data', () => {
    const dir = tmp();
    const log = path.join(dir, 'a.log');
    writeFileSync(log, '');
    const first = next(ask(dir, [{ path: log, previous: null }]).logs[0])!;
    appendFileSync(log, `it's $(touch pwned) "q" \\ end\n`);
    const result = ask(dir, [{ path: log, previous: first, patterns: ["it's", '\\$\\(touch', '"q"', '\\\\ end'] }]).logs[0];
    assert.deepEqual(result?.kind === 'ok' && result.newLines !== null && result.matches, [1, 1, 1, 1]);
    assert.equal(existsSync(path.join(dir, 'pwned')), false);
  });

  test('a path with % is a strftime template filled in by the host\'s date', () => {
    const dir = tmp();
    // This hour's file and the next one's, so the test holds even if the hour turns while it runs.
    for (const when of ['now', '1 hour']) writeFileSync(path.join(dir, `access_log.${execFileSync('date', ['-d', when, '+%Y%m%d%H']).toString().trim()}`), 'a\nb\n');
    writeFileSync(path.join(dir, '100%'), 'literal\n');
    const result = ask(dir, [{ path: 'access_log.%Y%m%d%H', previous: null }, { path: '100%%', previous: null }]);
    assert.deepEqual(result.logs.map((log) => log.kind === 'ok' && log.offset), [4, 8]);
  });

  test('a glob matching more files than a sample should pay for is an error naming how many, not a number', () => {
    const dir = tmp();
    for (let i = 0; i <= MAX_GLOB_FILES; i++) writeFileSync(path.join(dir, `spam${i}.log`), 'x\n');
    writeFileSync(path.join(dir, 'fine.log'), 'x\n');
    const result = ask(dir, [{ path: 'spam*.log', previous: null }, { path: 'fine.log', previous: null }]);
    assert.deepEqual(result.logs[0], { kind: 'error', message: `more than ${MAX_GLOB_FILES} files match this glob (${MAX_GLOB_FILES + 1})` });
    assert.equal(result.logs[1]?.kind, 'ok', 'the other logs of the host are sampled as usual');
  });

  test('a glob is matched against file names on the host, odd names included, and never run', () => {
    const dir = tmp();
    const names = ['a.access.log', "it's b.access.log", 'new\nline.access.log', '$(touch pwned).access.log', 'other.log'];
    for (const name of names) writeFileSync(path.join(dir, name), 'x\n');
    const first = ask(dir, [{ path: '*.access.log', previous: null }, { path: 'nothing-*', previous: null }]);
    assert.deepEqual(first.logs[1], { kind: 'missing' });
    const glob = first.logs[0];
    assert.ok(glob?.kind === 'files');
    assert.deepEqual(glob.files.map((file) => file.path).sort(), names.filter((name) => name.endsWith('.access.log')).sort());
    assert.equal(existsSync(path.join(dir, 'pwned')), false);
    for (const name of names) appendFileSync(path.join(dir, name), 'y\nz\n');
    const files = glob.files.map(({ path: file, probe }) => ({ path: file, ...next(probe)! }));
    const second = ask(dir, [{ path: '*.access.log', previous: null, files }]).logs[0];
    assert.ok(second?.kind === 'files');
    assert.deepEqual(second.files.map((file) => file.probe.kind === 'ok' && file.probe.newLines), [2, 2, 2, 2]);
  });
  });
}

test('a host without a tool the functions need fails that log by name, never with a count', () => {
  const dir = tmp();
  writeFileSync(path.join(dir, 'a.log'), 'x\n');
  const noStat = hostShellWith({ without: ['stat', 'awk'] });
  const result = askOnce(dir, [{ path: 'a.log', previous: null }, { path: 'a.log', previous: null, patterns: ['x'] }, { path: '*.log', previous: null }], noStat);
  for (const log of result.logs) assert.match(log.kind === 'error' ? log.message : log.kind, /^the host has no stat\b/);
  const noOd = hostShellWith({ without: ['od'] });
  const glob = askOnce(dir, [{ path: '*.log', previous: null }], noOd).logs[0];
  assert.match(glob?.kind === 'error' ? glob.message : String(glob?.kind), /^the host has no od\b/);
  const noAwk = hostShellWith({ without: ['awk'] });
  const counted = askOnce(dir, [{ path: 'a.log', previous: null }, { path: 'a.log', previous: null, patterns: ['x'] }], noAwk).logs;
  assert.deepEqual(counted.map((log) => (log.kind === 'error' ? log.message.split(' (')[0] : log.kind)), ['ok', 'the host has no awk']);
});

test('a tail that reads less than stat saw is an error, not a small count', async () => {
  const dir = tmp();
  const log = path.join(dir, 'a.log');
  writeFileSync(log, 'x\n');
  // A tail that exits at once, as a broken or refusing one would: wc alone would count 0 lines.
  const brokenTail = hostShellWith({ scripts: { tail: 'exit 1' } });
  const first = next(askOnce(dir, [{ path: log, previous: null }], brokenTail).logs[0])!;
  appendFileSync(log, 'y\nz\n');
  const second = askOnce(dir, [{ path: log, previous: first }], brokenTail).logs[0];
  assert.deepEqual(second, { kind: 'error', message: 'read 0 of the 4 new bytes' });
  const withPatterns = askOnce(dir, [{ path: log, previous: first, patterns: ['y'] }], brokenTail).logs[0];
  assert.deepEqual(withPatterns, { kind: 'error', message: 'read 0 of the 4 new bytes' });
});
