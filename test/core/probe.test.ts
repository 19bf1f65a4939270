import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync, appendFileSync, existsSync, statSync, readdirSync } from 'node:fs';
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
    '@pvlook1 0 ok 1234 5678 42',
    '@pvlook1 1 missing',
    '@pvlook1 2 unreadable',
    '@pvlook1 3 ok 99 10 -',
    '@pvlook1 end',
    'logout',
  ].join('\n');
  assert.deepEqual(parseProbeOutput(stdout, 4), {
    remoteTime: 1764000000.123456,
    logs: [
      { kind: 'ok', inode: '1234', size: 5678, newLines: 42 },
      { kind: 'missing' },
      { kind: 'unreadable' },
      { kind: 'ok', inode: '99', size: 10, newLines: null },
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
    { path: "/var/log/it's here/a b.log", previous: { inode: '12', offset: 345 } },
    { path: '-n $(touch x) `id` ; rm -rf / \\ "q"\nnewline', previous: null },
  ];
  assert.deepEqual(parseProbeScript(buildProbeScript(requests)), requests);
});

test('refuses an inode that is not digits: nothing from data becomes code', () => {
  assert.throws(() => buildProbeScript([{ path: '/x', previous: { inode: '1; reboot', offset: 0 } }]), /inode must be digits/);
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
  const second = parseProbeOutput(runLocally(buildProbeScript([{ path: log, previous: { inode: firstLog.inode, offset: firstLog.size } }]), dir), 1);
  assert.deepEqual(second.logs[0], { kind: 'ok', inode: firstLog.inode, size: statSync(log).size, newLines: 3 });
});

test('log paths with every shell-special character are read as data and never run', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'pvlook-probe-'));
  const names = ["it's.log", 'a b.log', '$(touch pwned1).log', '`touch pwned2`.log', '-n', '--help', 'semi;touch pwned3', 'new\nline.log', '*', '"dq".log', 'back\\slash.log'];
  for (const name of names) writeFileSync(path.join(dir, name), 'x\n');
  const requests = names.map((name) => ({ path: name, previous: { inode: String(statSync(path.join(dir, name)).ino), offset: 0 } }));
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

test('rotation (new inode) and truncation (smaller size) give no line count', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'pvlook-probe-'));
  const log = path.join(dir, 'a.log');
  writeFileSync(log, 'short\n');
  const inode = String(statSync(log).ino);
  const truncated = parseProbeOutput(runLocally(buildProbeScript([{ path: log, previous: { inode, offset: 1000 } }]), dir), 1);
  assert.deepEqual(truncated.logs[0], { kind: 'ok', inode, size: 6, newLines: null });
  const rotated = parseProbeOutput(runLocally(buildProbeScript([{ path: log, previous: { inode: '1', offset: 0 } }]), dir), 1);
  assert.equal(rotated.logs[0]?.kind === 'ok' && rotated.logs[0].newLines, null);
});
