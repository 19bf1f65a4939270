import { test } from 'node:test';
import assert from 'node:assert/strict';
import { answerEnd, decodeAnswer, decodeRequest, encodeAnswer, encodeRequest, newTag, ProbeOutputError } from '../../src/probe/wire.js';
import { type ProbeResult } from '../../src/core/probe-types.js';

const TAG = '0123456789abcdef';

test('an answer is read from its own tagged lines only: banners, rc-file chatter and other tags are ignored', () => {
  const text = [
    'Welcome to web01!',
    `@pvlook2 ${TAG} time up 1234.56`,
    'some rc file says hello',
    `@pvlook2 fedcba9876543210 0 ok 1 2 999`,
    `@pvlook2 ${TAG} 0 ok 1234:1795596366.237689613 5678 42`,
    `@pvlook2 ${TAG} 1 missing`,
    `@pvlook2 ${TAG} 2 unreadable`,
    `@pvlook2 ${TAG} 3 ok 99 10 rotated`,
    `@pvlook2 ${TAG} 4 ok 99 10 7 3 0`,
    `@pvlook2 ${TAG} 5 error ${Buffer.from("awk: syntax error at 'a('").toString('hex')}`,
    `@pvlook2 ${TAG} end`,
    'logout',
  ].join('\n');
  assert.deepEqual(decodeAnswer(text, TAG, 6), {
    remoteTime: 1234.56,
    clock: 'up',
    resolution: 0.01,
    logs: [
      { kind: 'ok', fileId: '1234:1795596366.237689613', offset: 5678, newLines: 42 },
      { kind: 'missing' },
      { kind: 'unreadable' },
      { kind: 'ok', fileId: '99', offset: 10, newLines: null, reason: 'rotated' },
      { kind: 'ok', fileId: '99', offset: 10, newLines: 7, matches: [3, 0] },
      { kind: 'error', message: "awk: syntax error at 'a('" },
    ],
  });
});

test('an answer ends only at the end line of its own tag', () => {
  const other = `@pvlook2 ${newTag()} end\n`;
  assert.equal(answerEnd(`@pvlook2 ${TAG} time none -\n${other}`, TAG), -1);
  const text = `x\n@pvlook2 ${TAG} end\nmore`;
  assert.equal(answerEnd(text, TAG), text.indexOf('more'));
  assert.notEqual(newTag(), newTag());
  assert.match(newTag(), /^[0-9a-f]{16}$/);
});

test('a missing, partial or garbled answer is an error, never a number', () => {
  assert.throws(() => decodeAnswer('', TAG, 1), ProbeOutputError);
  assert.throws(() => decodeAnswer(`@pvlook2 ${TAG} 0 ok 1 2 3\n`, TAG, 1), /no end line/);
  assert.throws(() => decodeAnswer(`@pvlook2 ${TAG} 0 ok 1 2 3\n@pvlook2 ${TAG} end\n`, TAG, 2), /no result for log #1/);
  assert.throws(() => decodeAnswer(`@pvlook2 ${TAG} 0 ok 1 x 3\n@pvlook2 ${TAG} end\n`, TAG, 1), /malformed/);
  assert.throws(() => decodeAnswer(`@pvlook2 ${TAG} 0 ok 1 2 -5\n@pvlook2 ${TAG} end\n`, TAG, 1), /malformed/);
  assert.throws(() => decodeAnswer(`@pvlook2 ${TAG} 0 ok 1:W 2 5\n@pvlook2 ${TAG} end\n`, TAG, 1), /malformed/);
  assert.throws(() => decodeAnswer(`@pvlook2 ${TAG} 0 ok 1 2 sideways\n@pvlook2 ${TAG} end\n`, TAG, 1), /malformed/);
  // Another request's lines do not count for this one.
  assert.throws(() => decodeAnswer(`@pvlook2 ${newTag()} 0 ok 1 2 3\n@pvlook2 ${TAG} end\n`, TAG, 1), /no result/);
});

test('a clock pvlook cannot read finely gives no remote time rather than a wrong one', () => {
  for (const line of ['time none -', 'time wall 1764000000', 'time up N', 'time sundial 12.5']) {
    const result = decodeAnswer(`@pvlook2 ${TAG} ${line}\n@pvlook2 ${TAG} 0 missing\n@pvlook2 ${TAG} end\n`, TAG, 1);
    assert.deepEqual([result.remoteTime, result.clock], [null, null], line);
  }
});

test('requests round-trip for simulated hosts, odd paths, identities, patterns and globs included', () => {
  const requests = [
    { path: "/var/log/it's here/a b.log", previous: { fileId: '12:1795596366.237689613', offset: 345 } },
    { path: '-n $(touch x) `id` ; rm -rf / \\ "q"\nnewline', previous: null },
    { path: '/x', previous: { fileId: "1'; touch pwned; '", offset: 3 }, patterns: ['" 5[0-9][0-9] ', 'a\\.b', "it's"] },
    { path: '/var/log/access.%Y%m%d%H', previous: null },
    { path: '/var/log/*.log', previous: null, files: [{ path: "/var/log/a'b.log", fileId: '7', offset: 10 }] },
  ];
  const line = encodeRequest(TAG, requests);
  assert.ok(line.endsWith('\n') && !line.slice(0, -1).includes('\n'.repeat(2)));
  assert.deepEqual(decodeRequest(line), { tag: TAG, requests });
  assert.ok(line.includes(`pvlook_log 2 2 '/x' '1'\\''; touch pwned; '\\''' 3 `), 'an identity is quoted: nothing from data becomes code');
  assert.ok(line.includes('pvlook_tpl 3 3 '), 'a path with % is a template');
  assert.equal(decodeRequest('export LC_ALL=C'), null);
});

test('logs past the sixth are sampled without a held descriptor; glob files that cannot be sent back are left out', () => {
  const many = Array.from({ length: 9 }, (_, i) => ({ path: `/l${i}`, previous: null }));
  const line = encodeRequest(TAG, many);
  assert.ok(line.includes("pvlook_log 5 5 '/l5'") && line.includes("pvlook_log 6 - '/l6'") && line.includes("pvlook_log 8 - '/l8'"));
  const glob = encodeRequest(TAG, [{ path: '/g/*', previous: null, files: [{ path: '/g/a\0b', fileId: '1', offset: 2 }, { path: '/g/c', fileId: '3', offset: 4 }] }]);
  assert.deepEqual(decodeRequest(glob)?.requests[0]?.files, [{ path: '/g/c', fileId: '3', offset: 4 }]);
  assert.throws(() => encodeRequest(TAG, [{ path: '/l', previous: null, patterns: ['a\nb'] }]), /control characters/);
});

test('answers round-trip for simulated hosts', () => {
  const result: ProbeResult = {
    remoteTime: 1764000000.25,
    clock: 'wall',
    logs: [
      { kind: 'ok', fileId: '5', offset: 100, newLines: 3, matches: [1] },
      { kind: 'ok', fileId: '5', offset: 100, newLines: null, reason: 'first' },
      { kind: 'files', files: [{ path: 'a\nb', probe: { kind: 'ok', fileId: '6', offset: 1, newLines: 0 } }] },
      { kind: 'error', message: 'no awk here' },
    ],
  };
  // The clock's step comes from the digits printed: nanoseconds for a wall clock.
  assert.deepEqual(decodeAnswer(encodeAnswer(TAG, result), TAG, 4), { ...result, resolution: 1e-9 });
});

test('the time of the last reading travels as a bare word of our own digits; counts across a rotation and files that are not regular decode', () => {
  const requests = [
    { path: '/a.log', previous: { fileId: '1:2.5', offset: 10 }, since: { clock: 'up' as const, seconds: 765.23 } },
    { path: '/g/*.log', previous: null, since: { clock: 'wall' as const, seconds: 1796167064.5 }, files: [{ path: '/g/a.log', fileId: '3', offset: 4 }] },
    { path: '/b.log', previous: null, since: { clock: 'up' as const, seconds: Number.NaN } },
  ];
  const line = encodeRequest(TAG, requests);
  assert.ok(line.includes("pvlook_log 0 0 '/a.log' '1:2.5' 10 up:765.23 ''") && line.includes("pvlook_glob 1 '/g/*.log' '' wall:1796167064.500000000 '/g/a.log'"), line);
  assert.ok(line.includes("pvlook_log 2 1 '/b.log' - - - ''"), 'a time that is not a number is not sent');
  assert.deepEqual(decodeRequest(line)?.requests, [requests[0], requests[1], { path: '/b.log', previous: null }]);
  const answer = [
    `@pvlook2 ${TAG} 0 switched 9:1796167065.1 120 42 3`,
    `@pvlook2 ${TAG} 1 special fifo`,
    `@pvlook2 ${TAG} 2 f ${Buffer.from('/g/zz.log').toString('hex')} special chardev`,
    `@pvlook2 ${TAG} 2 glob`,
    `@pvlook2 ${TAG} 3 switched 9 120 first`,
    `@pvlook2 ${TAG} end`,
    '',
  ].join('\n');
  assert.throws(() => decodeAnswer(answer, TAG, 4), ProbeOutputError, 'a switch always has a count');
  const logs = decodeAnswer(answer.replace(/^.* 3 switched .*\n/m, `@pvlook2 ${TAG} 3 missing\n`), TAG, 4).logs;
  assert.deepEqual(logs.slice(0, 3), [
    { kind: 'ok', fileId: '9:1796167065.1', offset: 120, newLines: 42, matches: [3], switched: true },
    { kind: 'error', message: 'not a regular file (a FIFO; pvlook reads only regular files)' },
    { kind: 'error', message: 'not a regular file (a character device; pvlook reads only regular files): /g/zz.log' },
  ]);
  assert.throws(() => decodeAnswer(`@pvlook2 ${TAG} 0 special door\n@pvlook2 ${TAG} end\n`, TAG, 1), ProbeOutputError);
  assert.equal(encodeAnswer(TAG, { remoteTime: null, clock: null, logs: [logs[0]!] }).split('\n')[1], `@pvlook2 ${TAG} 0 switched 9:1796167065.1 120 42 3`);
});
