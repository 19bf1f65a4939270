/**
 * Every malformed or mistyped config we could think of: each one is a
 * ConfigError or UsageError naming the file (or flag), the key and the value,
 * with exit status 2 and no stack trace.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync, mkdirSync, chmodSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { runCli } from '../helpers/run-cli.js';

function folder(): string {
  return mkdtempSync(path.join(os.tmpdir(), 'pvlook-hostile-'));
}

async function expectConfigError(name: string, text: string, message: RegExp, args: string[] = []) {
  const dir = folder();
  writeFileSync(path.join(dir, name), text);
  const result = await runCli(args, { cwd: dir, env: { HOME: dir } });
  assert.equal(result.code, 2, `${name}: ${text}\n${result.stderr}`);
  assert.equal(result.stdout, '');
  assert.match(result.stderr, new RegExp(`^pvlook: .*${name.replace(/\./g, '\\.')}`), result.stderr);
  assert.match(result.stderr, message);
  assert.doesNotMatch(result.stderr, /\n\s+at /, 'no stack trace');
}

const cases: [name: string, file: string, text: string, message: RegExp][] = [
  ['top level is a list', '.pvlookrc.json', '[1, 2]', /\(top level\): expected object/],
  ['top level is a number', '.pvlookrc.json', '42', /\(top level\): expected object/],
  ['top level is a string', '.pvlookrc.yaml', 'just some words', /\(top level\): expected object/],
  ['unknown key', '.pvlookrc.json', '{"intervall": 2}', /unknown key "intervall"/],
  ['typo inside a group', '.pvlookrc.yaml', 'groups:\n  web:\n    log: /x\n    host: [a]\n', /key "groups\.web\.hosts": .*missing|unknown key "groups\.web\.host"/],
  ['interval as a string', '.pvlookrc.json', '{"interval": "1s"}', /key "interval": .*got "1s"/],
  ['negative interval', '.pvlookrc.json', '{"interval": -1}', /key "interval": .*got -1/],
  ['zero timeout', '.pvlookrc.json', '{"timeout": 0}', /key "timeout": .*got 0/],
  ['huge interval', '.pvlookrc.json', '{"interval": 1e12}', /key "interval": .*86400/],
  ['fractional parallel', '.pvlookrc.json', '{"parallel": 2.5}', /key "parallel": .*got 2\.5/],
  ['parallel as text', '.pvlookrc.yaml', 'parallel: lots\n', /key "parallel": .*got "lots"/],
  ['color as a string', '.pvlookrc.json', '{"color": "yes"}', /key "color": .*got "yes"/],
  // One host alone as a string is a list of one; several in one string are not guessed at.
  ['several hosts in one string', '.pvlookrc.json', '{"hosts": "web01 web02", "log": "/x"}', /key "hosts": several hosts are a list: \[h1, h2\] \(got "web01 web02"\)/],
  ['hosts as a number', '.pvlookrc.json', '{"hosts": 7, "log": "/x"}', /key "hosts": .*got 7/],
  ['a host that is a number', '.pvlookrc.yaml', 'log: /x\nhosts: [web01, 22]\n', /key "hosts\[1\]": .*got 22/],
  ['an empty host', '.pvlookrc.json', '{"log": "/x", "hosts": [""]}', /key "hosts\[0\]": a host cannot be empty/],
  ['an empty log path', '.pvlookrc.json', '{"log": "", "hosts": ["a"]}', /key "log": a log path cannot be empty/],
  ['a NUL in a log path', '.pvlookrc.json', '{"log": "/x\\u0000y", "hosts": ["a"]}', /key "log": a log path cannot contain a NUL byte/],
  ['a group without a log', '.pvlookrc.yaml', 'groups:\n  web:\n    hosts: [a]\n', /key "groups\.web\.log": .*missing/],
  ['a group that is a list', '.pvlookrc.yaml', 'groups:\n  web: [a, b]\n', /key "groups\.web": .*got \["a","b"\]/],
  ['a group name with a space', '.pvlookrc.json', '{"groups": {"my web": {"log": "/x", "hosts": ["a"]}}}', /key "groups\.my web": group names use/],
  ['trend window zero', '.pvlookrc.json', '{"trend": {"window": 0}}', /key "trend\.window": .*got 0/],
  ['unknown trend key', '.pvlookrc.json', '{"trend": {"windw": 3}}', /unknown key "trend\.windw"/],
  ['broken JSON', '.pvlookrc.json', '{"log": "/x",}', /cannot parse/],
  ['broken YAML', '.pvlookrc.yaml', 'log: /x\n  hosts: [a\n', /cannot parse/],
  ['tabs in YAML', '.pvlookrc.yaml', 'groups:\n\tweb: 1\n', /cannot parse/],
  ['a bad range in the file', '.pvlookrc.json', '{"log": "/x", "hosts": ["web[1-]"]}', /key "hosts": bad range "1-"/],
  ['a huge range in the file', '.pvlookrc.json', '{"log": "/x", "hosts": ["w[0-9999999]"]}', /key "hosts": .*more than 100000 hosts/],
  ['a host that looks like an option', '.pvlookrc.json', '{"log": "/x", "hosts": ["-oProxyCommand=id"]}', /key "hosts": bad host name/],
  ['hosts but no log', '.pvlookrc.json', '{"hosts": ["a"]}', /no "log" path/],
  ['a JS config found by search', '.pvlookrc.js', 'module.exports = { log: "/x" }', /runs code.*--config/],
];

for (const [title, file, text, message] of cases) {
  test(`config: ${title}`, () => expectConfigError(file, text, message));
}

test('every problem in a file is listed at once', async () => {
  await expectConfigError('.pvlookrc.json', '{"interval": "x", "timeout": -2, "bogus": 1}', /key "interval".*\n.*key "timeout".*\n.*unknown key "bogus"|unknown key "bogus"[\s\S]*key "interval"[\s\S]*key "timeout"/);
});

test('an unreadable config file, and a folder where a file should be', async () => {
  const dir = folder();
  mkdirSync(path.join(dir, 'conf.yaml'));
  const folderResult = await runCli(['-c', 'conf.yaml', 'h'], { cwd: dir, env: { HOME: dir } });
  assert.equal(folderResult.code, 2);
  assert.match(folderResult.stderr, /conf\.yaml/);
  if (process.getuid?.() !== 0) {
    writeFileSync(path.join(dir, 'secret.yaml'), 'log: /x\n');
    chmodSync(path.join(dir, 'secret.yaml'), 0o000);
    const denied = await runCli(['-c', 'secret.yaml', 'h'], { cwd: dir, env: { HOME: dir } });
    assert.equal(denied.code, 2);
    assert.match(denied.stderr, /secret\.yaml: permission denied/);
  }
});

test('hosts files and host arguments: empty lists, bad ranges and option-like names are usage errors', async () => {
  const dir = folder();
  writeFileSync(path.join(dir, 'empty'), '# nothing here\n\n');
  writeFileSync(path.join(dir, 'bad'), 'web01\nweb[3-1]\n');
  const cases: [string[], RegExp][] = [
    [['-l', '/x', '-H', 'empty'], /no hosts to watch/],
    [['-l', '/x', '-H', 'bad'], /bad: range 3-1 runs backwards/],
    [['-l', '/x', 'web[1-]'], /command line: bad range "1-"/],
    [['-l', '/x', 'web['], /unmatched "\["/],
    [['-l', '/x', 'db[0-999999]'], /more than 100000 hosts/],
    [['-l', '/x', 'a b'], /bad host name/],
    [['-l', '/x', 'web:99999'], /bad port/],
    [['-l', '', 'web'], /--log "": expected a file path/],
    [['-l', '/x', '-n', '-1', 'web'], /interval|option/],
    [['-l', '/x', '-p', '0', 'web'], /--parallel "0"/],
    [['-l', '/x', '--timeout', 'NaN', 'web'], /--timeout "NaN"/],
    [['-l', '/x', '--count', '0', 'web'], /--count "0"/],
  ];
  for (const [args, message] of cases) {
    const result = await runCli(args, { cwd: dir, env: { HOME: dir } });
    assert.equal(result.code, 2, `${args.join(' ')}: ${result.stderr}`);
    assert.match(result.stderr, message, args.join(' '));
    assert.doesNotMatch(result.stderr, /\n\s+at /);
  }
});

test('bad environment values name the variable', async () => {
  const dir = folder();
  for (const [name, value] of [['PVLOOK_INTERVAL', 'soon'], ['PVLOOK_PARALLEL', '-4'], ['PVLOOK_TIMEOUT', '0']] as const) {
    const result = await runCli(['-l', '/x', 'web'], { cwd: dir, env: { HOME: dir, [name]: value } });
    assert.equal(result.code, 2);
    assert.match(result.stderr, new RegExp(`${name} "${value}"`));
  }
});
