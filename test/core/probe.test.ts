import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync, appendFileSync, existsSync, statSync, readdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { buildProbeScript, parseProbeOutput, parseProbeScript, ProbeOutputError } from '../../src/core/probe.js';

/** Run the probe script with the local /bin/sh, exactly as the remote sh would. */
function runLocally(script: string, cwd: string): string {
  return execFileSync('/bin/sh', ['-s'], { input: script, cwd }).toString();
}

test('parses marked lines and ignores banners and rc-file noise around them', () => {
  const stdout = [
    'Welcome to web01!',
    '@pvlook1 time 1764000000.123456',
    'some rc file says hello',
    '@pvlook1 0 ok 1234:1795596366.237689613 5678 42',
    '@pvlook1 1 missing',
    '@pvlook1 2 unreadable',
    '@pvlook1 3 ok 99 10 -',
    '@pvlook1 end',
    'logout',
  ].join('\n');
  assert.deepEqual(parseProbeOutput(stdout, 4), {
    remoteTime: 1764000000.123456,
    logs: [
      { kind: 'ok', fileId: '1234:1795596366.237689613', size: 5678, newLines: 42 },
      { kind: 'missing' },
      { kind: 'unreadable' },
      { kind: 'ok', fileId: '99', size: 10, newLines: null },
    ],
  });
});

test('a date without nanoseconds gives no remote time rather than a wrong one', () => {
  const result = parseProbeOutput('@pvlook1 time 1764000000.N\n@pvlook1 0 missing\n@pvlook1 end\n', 1);
  assert.equal(result.remoteTime, null);
});

test('truncated, empty or garbage output is an error, never a number', () => {
  assert.throws(() => parseProbeOutput('', 1), ProbeOutputError);
  assert.throws(() => parseProbeOutput('@pvlook1 time 1.5\n@pvlook1 0 ok 1 2 3\n', 1), /end marker/);
  assert.throws(() => parseProbeOutput('@pvlook1 0 ok 1 2 3\n@pvlook1 end\n', 2), /no result for log #1/);
  assert.throws(() => parseProbeOutput('@pvlook1 0 ok 1 x 3\n@pvlook1 end\n', 1), /malformed/);
  assert.throws(() => parseProbeOutput('@pvlook1 0 ok 1 2 -5\n@pvlook1 end\n', 1), /malformed/);
});

test('the script round-trips its requests for simulated hosts, odd paths included', () => {
  const requests = [
    { path: "/var/log/it's here/a b.log", previous: { fileId: '12:1795596366.237689613', offset: 345 } },
    { path: '-n $(touch x) `id` ; rm -rf / \\ "q"\nnewline', previous: null },
  ];
  assert.deepEqual(parseProbeScript(buildProbeScript(requests)), requests);
});

test('a file identity is quoted too: nothing from data becomes code', () => {
  const requests = [{ path: '/x', previous: { fileId: "1'; touch pwned; '", offset: 3 } }];
  const script = buildProbeScript(requests);
  assert.deepEqual(parseProbeScript(script), requests);
  assert.ok(script.includes(`probe 0 '/x' '1'\\''; touch pwned; '\\''' 3\n`));
});

test('the remote time limit is written into the script as whole seconds', () => {
  assert.match(buildProbeScript([], { remoteTimeoutSeconds: 2.5 }), /^PVLOOK_T=3$/m);
  assert.match(buildProbeScript([], { remoteTimeoutSeconds: 0.1 }), /^PVLOOK_T=1$/m);
});

test('counts only the lines appended since the previous offset, with the real sh', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'pvlook-probe-'));
  const log = path.join(dir, 'access.log');
  writeFileSync(log, 'one\ntwo\n');
  const first = parseProbeOutput(runLocally(buildProbeScript([{ path: log, previous: null }]), dir), 1);
  const firstLog = first.logs[0];
  assert.ok(firstLog?.kind === 'ok');
  assert.equal(firstLog.newLines, null);
  assert.equal(firstLog.size, 8);
  assert.ok(first.remoteTime !== null && first.remoteTime > 0);

  appendFileSync(log, 'three\nfour\nfive\n');
  const second = parseProbeOutput(runLocally(buildProbeScript([{ path: log, previous: { fileId: firstLog.fileId, offset: firstLog.size } }]), dir), 1);
  assert.deepEqual(second.logs[0], { kind: 'ok', fileId: firstLog.fileId, size: statSync(log).size, newLines: 3 });
});

test('log paths with every shell-special character are read as data and never run', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'pvlook-probe-'));
  const names = ["it's.log", 'a b.log', '$(touch pwned1).log', '`touch pwned2`.log', '-n', '--help', 'semi;touch pwned3', 'new\nline.log', '"dq".log', 'back\\slash.log'];
  for (const name of names) writeFileSync(path.join(dir, name), 'x\n');
  const first = parseProbeOutput(runLocally(buildProbeScript(names.map((name) => ({ path: name, previous: null }))), dir), names.length);
  const requests = names.map((name, i) => {
    const log = first.logs[i]!;
    assert.equal(log.kind, 'ok');
    return { path: name, previous: { fileId: log.kind === 'ok' ? log.fileId : '', offset: 0 } };
  });
  const result = parseProbeOutput(runLocally(buildProbeScript(requests), dir), names.length);
  for (const log of result.logs) assert.deepEqual(log, { ...log, kind: 'ok', newLines: 1, size: 2 });
  assert.deepEqual(readdirSync(dir).filter((file) => file.startsWith('pwned')), []);
  assert.equal(existsSync(path.join(dir, 'pwned1')), false);
});

test('missing, unreadable and directory paths are reported as such', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'pvlook-probe-'));
  const result = parseProbeOutput(runLocally(buildProbeScript([{ path: 'nope.log', previous: null }, { path: dir, previous: null }]), dir), 2);
  assert.deepEqual(result.logs, [{ kind: 'missing' }, { kind: 'unreadable' }]);
});

test('rotation (new file identity) and truncation (smaller size) give no line count', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'pvlook-probe-'));
  const log = path.join(dir, 'a.log');
  writeFileSync(log, 'short\n');
  const fileId = (parseProbeOutput(runLocally(buildProbeScript([{ path: log, previous: null }]), dir), 1).logs[0] as { fileId: string }).fileId;
  assert.match(fileId, new RegExp(`^${statSync(log).ino}:`));
  const truncated = parseProbeOutput(runLocally(buildProbeScript([{ path: log, previous: { fileId, offset: 1000 } }]), dir), 1);
  assert.deepEqual(truncated.logs[0], { kind: 'ok', fileId, size: 6, newLines: null });
  const rotated = parseProbeOutput(runLocally(buildProbeScript([{ path: log, previous: { fileId: '1', offset: 0 } }]), dir), 1);
  assert.equal(rotated.logs[0]?.kind === 'ok' && rotated.logs[0].newLines, null);
});

test('a log deleted and recreated on the same inode is a new file', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'pvlook-probe-'));
  const log = path.join(dir, 'a.log');
  writeFileSync(log, 'old\n');
  const before = parseProbeOutput(runLocally(buildProbeScript([{ path: log, previous: null }]), dir), 1).logs[0] as { fileId: string; size: number };
  rmSync(log);
  writeFileSync(log, 'new file, longer than the old one\nline\nline\n');
  const after = parseProbeOutput(runLocally(buildProbeScript([{ path: log, previous: { fileId: before.fileId, offset: before.size } }]), dir), 1).logs[0];
  assert.ok(after?.kind === 'ok');
  assert.notEqual(after.fileId, before.fileId);
  assert.equal(after.newLines, null);
});

test('non-UTF-8 bytes and very long lines are counted as lines', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'pvlook-probe-'));
  const log = path.join(dir, 'a.log');
  writeFileSync(log, '');
  const first = parseProbeOutput(runLocally(buildProbeScript([{ path: log, previous: null }]), dir), 1).logs[0] as { fileId: string };
  appendFileSync(log, Buffer.concat([Buffer.from([0xff, 0xfe, 0x00, 0x80, 0x0a]), Buffer.alloc(1 << 20, 0x41), Buffer.from('\n\u00e9\n')]));
  const second = parseProbeOutput(runLocally(buildProbeScript([{ path: log, previous: { fileId: first.fileId, offset: 0 } }]), dir), 1).logs[0];
  assert.deepEqual(second, { kind: 'ok', fileId: first.fileId, size: statSync(log).size, newLines: 3 });
});

test('patterns: counts whole lines only, leaves a half-written line for the next sample, and keeps regexes as written', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'pvlook-probe-'));
  const log = path.join(dir, 'a.log');
  writeFileSync(log, '');
  const first = parseProbeOutput(runLocally(buildProbeScript([{ path: log, previous: null }]), dir), 1).logs[0] as { fileId: string };
  appendFileSync(log, 'GET / 200\nGET /x 500\nGET /y 503\na.b\naxb\npartial 500');
  const patterns = [' 5[0-9][0-9]$', 'a\\.b', '^GET'];
  const request = { path: log, previous: { fileId: first.fileId, offset: 0 }, patterns };
  assert.deepEqual(parseProbeScript(buildProbeScript([request])), [request]);
  const second = parseProbeOutput(runLocally(buildProbeScript([request]), dir), 1).logs[0];
  const complete = 'GET / 200\nGET /x 500\nGET /y 503\na.b\naxb\n'.length;
  assert.deepEqual(second, { kind: 'ok', fileId: first.fileId, size: statSync(log).size, newLines: 5, next: complete, matches: [2, 1, 3] });
  // The half line is counted once it is finished.
  appendFileSync(log, '\n');
  const third = parseProbeOutput(runLocally(buildProbeScript([{ ...request, previous: { fileId: first.fileId, offset: complete } }]), dir), 1).logs[0];
  assert.deepEqual(third, { kind: 'ok', fileId: first.fileId, size: statSync(log).size, newLines: 1, next: 'partial 500\n'.length, matches: [1, 0, 0] });
});

test('patterns with quotes, $(...) and backslashes are data; control characters are refused', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'pvlook-probe-'));
  const log = path.join(dir, 'a.log');
  writeFileSync(log, '');
  const first = parseProbeOutput(runLocally(buildProbeScript([{ path: log, previous: null }]), dir), 1).logs[0] as { fileId: string };
  appendFileSync(log, `it's $(touch pwned) "q" \\ end\n`);
  const patterns = ["it's", '\\$\\(touch', '"q"', '\\\\ end'];
  const result = parseProbeOutput(runLocally(buildProbeScript([{ path: log, previous: { fileId: first.fileId, offset: 0 }, patterns }]), dir), 1).logs[0];
  assert.deepEqual(result?.kind === 'ok' && result.matches, [1, 1, 1, 1]);
  assert.equal(existsSync(path.join(dir, 'pwned')), false);
  assert.throws(() => buildProbeScript([{ path: log, previous: null, patterns: ['a\nb'] }]), /control characters/);
});

test('a path with % is a strftime template filled in by the host\'s date', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'pvlook-probe-'));
  // This hour's file and the next one's, so the test holds even if the hour turns while it runs.
  for (const when of ['now', '1 hour']) writeFileSync(path.join(dir, `access_log.${execFileSync('date', ['-d', when, '+%Y%m%d%H']).toString().trim()}`), 'a\nb\n');
  writeFileSync(path.join(dir, '100%'), 'literal\n');
  const result = parseProbeOutput(runLocally(buildProbeScript([{ path: 'access_log.%Y%m%d%H', previous: null }, { path: '100%%', previous: null }]), dir), 2);
  assert.deepEqual(result.logs.map((log) => log.kind === 'ok' && log.size), [4, 8]);
});

test('a glob is matched against file names on the host, odd names included, and never run', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'pvlook-probe-'));
  const names = ['a.access.log', "it's b.access.log", 'new\nline.access.log', '$(touch pwned).access.log', 'other.log'];
  for (const name of names) writeFileSync(path.join(dir, name), 'x\n');
  const first = parseProbeOutput(runLocally(buildProbeScript([{ path: '*.access.log', previous: null }, { path: 'nothing-*', previous: null }]), dir), 2);
  assert.deepEqual(first.logs[1], { kind: 'missing' });
  const glob = first.logs[0];
  assert.ok(glob?.kind === 'files');
  assert.deepEqual(glob.files.map((file) => file.path).sort(), names.filter((name) => name.endsWith('.access.log')).sort());
  assert.equal(existsSync(path.join(dir, 'pwned')), false);
  // Next time each file continues from where it was.
  for (const name of names) appendFileSync(path.join(dir, name), 'y\nz\n');
  const files = glob.files.map(({ path: file, probe }) => ({ path: file, fileId: probe.kind === 'ok' ? probe.fileId : '', offset: 2 }));
  const second = parseProbeOutput(runLocally(buildProbeScript([{ path: '*.access.log', previous: null, files }]), dir), 1).logs[0];
  assert.ok(second?.kind === 'files');
  assert.deepEqual(second.files.map((file) => file.probe.kind === 'ok' && file.probe.newLines), [2, 2, 2, 2]);
});
