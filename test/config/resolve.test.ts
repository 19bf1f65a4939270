import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseCommandLine, type CliArgs } from '../../src/cli/args.js';
import { resolveConfig } from '../../src/config/resolve.js';
import { ConfigError, UsageError } from '../../src/errors.js';

function argsOf(argv: string[]): CliArgs {
  const parsed = parseCommandLine(argv, '0.0.0');
  assert.equal(parsed.kind, 'run');
  return (parsed as { args: CliArgs }).args;
}

function folder(files: Record<string, string> = {}): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'pvlook-resolve-'));
  for (const [name, text] of Object.entries(files)) writeFileSync(path.join(dir, name), text);
  return dir;
}

const resolve = (argv: string[], cwd: string, env: Record<string, string> = {}, stdoutIsTTY = false) =>
  resolveConfig(argsOf(argv), { env: { HOME: cwd, ...env }, cwd, stdoutIsTTY });

test('defaults: snapshot, 1 s interval, 1000 parallel, 10 s timeout, colour only on a terminal', async () => {
  const dir = folder();
  const config = await resolve(['-l', '/x.log', 'web1'], dir);
  assert.equal(config.mode, 'snapshot');
  assert.equal(config.intervalMs, 1000);
  assert.equal(config.parallel, 1000);
  assert.equal(config.timeoutMs, 10_000);
  assert.equal(config.color, false);
  assert.equal((await resolve(['-l', '/x.log', 'web1'], dir, {}, true)).color, true);
  assert.deepEqual(config.hosts, [{ spec: { label: 'web1', host: 'web1', user: null, port: null }, session: 'shell', transport: 'auto', watches: [{ group: 'default', log: '/x.log', patterns: [], split: false }] }]);
});

test('precedence: config file < PVLOOK_* environment < flags', async () => {
  const dir = folder({ '.pvlookrc.json': JSON.stringify({ interval: 5, parallel: 3, timeout: 4, log: '/file.log', hosts: ['a'] }) });
  const fromFile = await resolve([], dir);
  assert.deepEqual([fromFile.intervalMs, fromFile.parallel, fromFile.timeoutMs], [5000, 3, 4000]);
  assert.equal(fromFile.hosts[0]?.watches[0]?.log, '/file.log');
  const fromEnv = await resolve([], dir, { PVLOOK_INTERVAL: '2', PVLOOK_PARALLEL: '9', PVLOOK_LOG: '/env.log' });
  assert.deepEqual([fromEnv.intervalMs, fromEnv.parallel], [2000, 9]);
  assert.equal(fromEnv.hosts[0]?.watches[0]?.log, '/env.log');
  const fromFlags = await resolve(['-n', '0.5', '-p', '12', '-l', '/flag.log'], dir, { PVLOOK_INTERVAL: '2', PVLOOK_LOG: '/env.log' });
  assert.deepEqual([fromFlags.intervalMs, fromFlags.parallel], [500, 12]);
  assert.equal(fromFlags.hosts[0]?.watches[0]?.log, '/flag.log');
});

test('groups: each with its own log; a host in two groups is one host with two logs; -g selects', async () => {
  const dir = folder({
    '.pvlookrc.yaml': 'groups:\n  apache:\n    log: /a.log\n    hosts: ["w[1-2]"]\n  ui:\n    log: /u.log\n    hosts: [w2, u1]\n',
  });
  const all = await resolve([], dir);
  assert.deepEqual(
    all.hosts.map((h) => [h.spec.label, h.watches.map((w) => `${w.group}:${w.log}`)]),
    [
      ['w1', ['apache:/a.log']],
      ['w2', ['apache:/a.log', 'ui:/u.log']],
      ['u1', ['ui:/u.log']],
    ],
  );
  const ui = await resolve(['-g', 'ui'], dir);
  assert.deepEqual(ui.hosts.map((h) => h.spec.label), ['w2', 'u1']);
  // Hosts named on the command line with one -g join that group and use its log.
  const adhoc = await resolve(['-g', 'apache', 'w9'], dir);
  assert.deepEqual(adhoc.hosts, [{ spec: { label: 'w9', host: 'w9', user: null, port: null }, session: 'shell', transport: 'auto', watches: [{ group: 'apache', log: '/a.log', patterns: [], split: false }] }]);
  await assert.rejects(resolve(['-g', 'nope'], dir), /--group "nope": no such group .*groups: apache, ui/);
});

test('a hosts file: one host per line, # comments, ranges; the old servers file reads as is', async () => {
  const dir = folder({ servers: '# web tier\nweb[01-02]\n\nuser@db1:2200   # primary\n' });
  const config = await resolve(['-H', 'servers', '-l', '/x.log'], dir);
  assert.deepEqual(config.hosts.map((h) => h.spec.label), ['web01', 'web02', 'user@db1:2200']);
  assert.equal(config.hosts[2]?.spec.port, 2200);
  await assert.rejects(resolve(['-H', 'missing', '-l', '/x.log'], dir), (error: unknown) => error instanceof ConfigError && /missing: file not found/.test(error.message));
});

test('bad flag and environment values name their source and value', async () => {
  const dir = folder();
  await assert.rejects(resolve(['-n', 'fast', '-l', '/x', 'h'], dir), (e: unknown) => e instanceof UsageError && /--interval "fast": expected a number of seconds/.test(e.message));
  await assert.rejects(resolve(['-n', '0', '-l', '/x', 'h'], dir), /--interval "0"/);
  await assert.rejects(resolve(['-p', '-3', '-l', '/x', 'h'], dir), /--parallel "-3"|unknown option|argument missing/);
  await assert.rejects(resolve(['-l', '/x', 'h'], dir, { PVLOOK_TIMEOUT: 'soon' }), /PVLOOK_TIMEOUT "soon"/);
  await assert.rejects(resolve(['-l', '/x', '--count', '2.5', 'h'], dir), /--count "2.5": expected a whole number/);
  await assert.rejects(resolve(['-l', '/x', 'web[1-]'], dir), /command line: bad range/);
  await assert.rejects(resolve(['-l', '/x', '--', '-oProxyCommand=id'], dir), /bad host name/);
});

test('nothing to watch, or no log path, is a usage error that says what to do', async () => {
  const dir = folder();
  await assert.rejects(resolve([], dir), (e: unknown) => e instanceof UsageError && /no hosts to watch/.test(e.message));
  await assert.rejects(resolve(['web1'], dir), /no log path: pass --log/);
});

test('--count implies watch; NO_COLOR and --no-color win over a terminal and the file; FORCE_COLOR forces', async () => {
  const dir = folder({ '.pvlookrc.json': JSON.stringify({ color: true }) });
  assert.equal((await resolve(['-l', '/x', '--count', '3', 'h'], dir)).mode, 'watch');
  assert.equal((await resolve(['-l', '/x', 'h'], dir)).color, true);
  assert.equal((await resolve(['-l', '/x', 'h'], dir, { NO_COLOR: '1' }, true)).color, false);
  assert.equal((await resolve(['-l', '/x', '--no-color', 'h'], dir, {}, true)).color, false);
  assert.equal((await resolve(['-l', '/x', 'h'], folder(), { FORCE_COLOR: '1' }, false)).color, true);
});

test('--shard i/n keeps this instance\'s part of the fleet; the parts cover it exactly once', async () => {
  const dir = folder();
  const all = (await resolve(['-l', '/x', 'web[001-200]'], dir)).hosts.map((h) => h.spec.label);
  const parts = await Promise.all([1, 2, 3].map(async (i) => (await resolve(['-l', '/x', '--shard', `${i}/3`, 'web[001-200]'], dir)).hosts.map((h) => h.spec.label)));
  assert.deepEqual(parts.flat().sort(), all.sort());
  assert.ok(parts.every((part) => part.length > 40));
  assert.deepEqual((await resolve(['-l', '/x', 'web[001-200]'], dir, { PVLOOK_SHARD: '2/3' })).hosts.map((h) => h.spec.label), parts[1]);
  await assert.rejects(resolve(['-l', '/x', '--shard', '4/3', 'h'], dir), /--shard "4\/3": expected i\/n/);
});

test('a 0-based ordinal and a count (a StatefulSet pod index) name the same shards as --shard; mixing the two forms is an error', async () => {
  const dir = folder();
  const hosts = async (args: string[], env: Record<string, string> = {}) => (await resolve(['-l', '/x', ...args, 'web[001-200]'], dir, env)).hosts.map((h) => h.spec.label);
  for (const i of [1, 2, 3]) {
    const expected = await hosts(['--shard', `${i}/3`]);
    assert.deepEqual(await hosts([], { PVLOOK_SHARD_ORDINAL: String(i - 1), PVLOOK_SHARD_COUNT: '3' }), expected);
    assert.deepEqual(await hosts([], { PVLOOK_SHARD_ORDINAL: `pvlook-${i - 1}`, PVLOOK_SHARD_COUNT: '3' }), expected, 'a pod name ending in -k');
    assert.deepEqual(await hosts(['--shard-ordinal', String(i - 1), '--shard-count', '3']), expected);
  }
  await assert.rejects(hosts([], { PVLOOK_SHARD_ORDINAL: '3', PVLOOK_SHARD_COUNT: '3' }), /PVLOOK_SHARD_ORDINAL "3" of PVLOOK_SHARD_COUNT "3": expected an ordinal 0 <= k < n/);
  await assert.rejects(hosts([], { PVLOOK_SHARD_ORDINAL: 'pvlook', PVLOOK_SHARD_COUNT: '3' }), /PVLOOK_SHARD_ORDINAL "pvlook"/);
  await assert.rejects(hosts([], { PVLOOK_SHARD_ORDINAL: '0' }), /^UsageError: PVLOOK_SHARD_ORDINAL needs --shard-count or PVLOOK_SHARD_COUNT$/m);
  await assert.rejects(hosts(['--shard-count', '3']), /--shard-count needs --shard-ordinal or PVLOOK_SHARD_ORDINAL/);
  await assert.rejects(hosts(['--shard', '1/3'], { PVLOOK_SHARD_ORDINAL: '0', PVLOOK_SHARD_COUNT: '3' }), /--shard and PVLOOK_SHARD_ORDINAL both say which shard this is: give one/);
});

test('session: a long-lived shell by default; exec from a group or the file, and --session or PVLOOK_SESSION beat both', async () => {
  const dir = folder({
    '.pvlookrc.yaml': 'groups:\n  lean:\n    log: /a.log\n    hosts: [a, b]\n  strict:\n    log: /s.log\n    session: exec\n    hosts: [b, c]\n',
  });
  const modes = (config: Awaited<ReturnType<typeof resolve>>) => config.hosts.map((h) => `${h.spec.label}:${h.session}`);
  // A host in an exec group gets a new shell per sample for all its logs: it has only one shell.
  assert.deepEqual(modes(await resolve([], dir)), ['a:shell', 'b:exec', 'c:exec']);
  assert.deepEqual(modes(await resolve(['--session', 'shell'], dir)), ['a:shell', 'b:shell', 'c:shell']);
  assert.deepEqual(modes(await resolve([], dir, { PVLOOK_SESSION: 'exec' })), ['a:exec', 'b:exec', 'c:exec']);
  const top = folder({ '.pvlookrc.yaml': 'session: exec\nlog: /x.log\nhosts: [d]\n' });
  assert.deepEqual(modes(await resolve([], top)), ['d:exec']);
  await assert.rejects(resolve(['--session', 'ssh'], dir), /--session "ssh": expected shell or exec/);
  await assert.rejects(resolve([], folder({ '.pvlookrc.yaml': 'session: pty\nlog: /x\nhosts: [d]\n' })), /session/);
});

test('sudo: off by default; from a group (for every log of its hosts) or the file; --sudo and PVLOOK_SUDO beat both', async () => {
  const dir = folder({
    '.pvlookrc.yaml': 'groups:\n  web:\n    log: /a.log\n    hosts: [a, b]\n  secure:\n    log: /var/log/secure\n    sudo: true\n    hosts: [b, c]\n',
  });
  const sudo = (config: Awaited<ReturnType<typeof resolve>>) => config.hosts.map((h) => `${h.spec.label}:${h.sudo === true ? 'sudo' : '-'}`);
  // b has one shell for both of its logs: sudo for one group is sudo for the host.
  assert.deepEqual(sudo(await resolve([], dir)), ['a:-', 'b:sudo', 'c:sudo']);
  assert.deepEqual(sudo(await resolve(['--sudo'], dir)), ['a:sudo', 'b:sudo', 'c:sudo']);
  assert.deepEqual(sudo(await resolve([], dir, { PVLOOK_SUDO: '0' })), ['a:-', 'b:-', 'c:-']);
  assert.deepEqual(sudo(await resolve([], dir, { PVLOOK_SUDO: 'true' })), ['a:sudo', 'b:sudo', 'c:sudo']);
  assert.deepEqual(sudo(await resolve(['-g', 'secure', 'd'], dir)), ['d:sudo']);
  assert.deepEqual(sudo(await resolve(['-l', '/x.log', 'e'], folder({ '.pvlookrc.yaml': 'sudo: true\n' }))), ['e:sudo']);
  await assert.rejects(resolve([], dir, { PVLOOK_SUDO: 'maybe' }), /PVLOOK_SUDO "maybe": expected 1 or 0/);
  await assert.rejects(resolve([], folder({ '.pvlookrc.yaml': 'sudo: yes please\nlog: /x\nhosts: [d]\n' })), /sudo/);
});

test('transport: auto by default; a group or the file names a client, OpenSSH wins a conflict, and --transport or PVLOOK_TRANSPORT beat both', async () => {
  const dir = folder({
    '.pvlookrc.yaml': 'transport: builtin\ngroups:\n  lean:\n    log: /a.log\n    hosts: [a, b]\n  behind:\n    log: /s.log\n    transport: openssh\n    hosts: [b, c]\n',
  });
  const clients = (config: Awaited<ReturnType<typeof resolve>>) => config.hosts.map((h) => `${h.spec.label}:${h.transport}`);
  assert.deepEqual(clients(await resolve([], dir)), ['a:builtin', 'b:openssh', 'c:openssh']);
  assert.deepEqual(clients(await resolve(['--transport', 'auto'], dir)), ['a:auto', 'b:auto', 'c:auto']);
  assert.deepEqual(clients(await resolve([], dir, { PVLOOK_TRANSPORT: 'builtin' })), ['a:builtin', 'b:builtin', 'c:builtin']);
  assert.deepEqual(clients(await resolve(['-l', '/x', 'h'], folder())), ['h:auto']);
  await assert.rejects(resolve(['--transport', 'ssh2'], dir), /--transport "ssh2": expected auto, builtin, openssh/);
  await assert.rejects(resolve([], folder({ '.pvlookrc.yaml': 'transport: putty\nlog: /x\nhosts: [d]\n' })), /transport/);
});

test('an interval under 0.1 s is refused wherever it comes from: pvlook would only spin', async () => {
  const dir = folder({ '.pvlookrc.yaml': 'log: /x.log\nhosts: [h]\n' });
  await assert.rejects(resolve(['-n', '0.0004'], dir), /--interval 0\.0004: must be at least 0\.1 seconds/);
  await assert.rejects(resolve([], dir, { PVLOOK_INTERVAL: '0.05' }), /PVLOOK_INTERVAL 0\.05: must be at least 0\.1/);
  await assert.rejects(resolve([], folder({ '.pvlookrc.yaml': 'interval: 0.01\nlog: /x.log\nhosts: [h]\n' })), /interval.*at least 0\.1/);
  assert.equal((await resolve(['-n', '0.1'], dir)).intervalMs, 100);
});

test('--listen beyond loopback needs the token, as --web does; loopback does not', async () => {
  const dir = folder();
  await assert.rejects(resolve(['--listen', '0.0.0.0:9469', '-l', '/l', 'h1'], dir), (error: unknown) => error instanceof UsageError && /--listen "0\.0\.0\.0:9469": serving Prometheus metrics on 0\.0\.0\.0:9469, beyond this machine, needs a token/.test(error.message));
  const tokened = await resolve(['--listen', '0.0.0.0:9469', '-l', '/l', 'h1'], dir, { PVLOOK_WEB_TOKEN: 'x'.repeat(20) });
  assert.equal(tokened.httpToken, 'x'.repeat(20));
  assert.equal((await resolve(['--listen', '127.0.0.1:9469', '-l', '/l', 'h1'], dir)).httpToken, null);
});

test('--listen and --web share one address grammar: a bare port is loopback, :port says what to write instead', async () => {
  const dir = folder();
  for (const flag of ['--listen', '--web']) {
    const bare = await resolve([flag, '9469', '-l', '/l', 'h1'], dir);
    assert.deepEqual(flag === '--listen' ? bare.listen : bare.web?.address, { host: '127.0.0.1', port: 9469 });
    await assert.rejects(resolve([flag, ':9469', '-l', '/l', 'h1'], dir), (error: unknown) => error instanceof UsageError && new RegExp(`^${flag} ":9469": name the address: 9469 or 127\\.0\\.0\\.1:9469 for this machine only, 0\\.0\\.0\\.0:9469 for every interface \\(which needs a token\\)$`).test(error.message));
  }
});

test('check --max-share adds to the file\'s maxShare, pattern by pattern; flags win', async () => {
  const dir = folder({ '.pvlookrc.json': JSON.stringify({ log: '/l', hosts: ['h1'], check: { maxShare: { errors: 5, slow: 20 } }, groups: { api: { log: '/a', hosts: ['h2'], check: { minRate: 1 } } } }) });
  const config = await resolve(['check', '--max-share', 'errors=2', '--max-share', 'auth=1'], dir);
  assert.deepEqual(config.thresholdsFor('default'), { maxShare: { errors: 2, slow: 20, auth: 1 } });
  assert.deepEqual(config.thresholdsFor('api'), { minRate: 1, maxShare: { errors: 2, slow: 20, auth: 1 } });
  await assert.rejects(resolve(['check', '--max-share', 'errors=150'], dir), /--max-share errors "150": expected a number from 0 to 100/);
});
