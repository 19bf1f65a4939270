import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync, copyFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadConfigFile } from '../../src/config/load-file.js';
import { ConfigError } from '../../src/errors.js';

const fresh = () => mkdtempSync(path.join(os.tmpdir(), 'pvlook-cfg-'));

async function configErrorOf(promise: Promise<unknown>): Promise<ConfigError> {
  try {
    await promise;
  } catch (error) {
    assert.ok(error instanceof ConfigError, `expected a ConfigError, got ${String(error)}`);
    return error;
  }
  assert.fail('expected a ConfigError');
}

test('the shipped .pvlookrc.example loads and means what it says', async () => {
  const dir = fresh();
  copyFileSync(path.join(import.meta.dirname, '../../.pvlookrc.example'), path.join(dir, '.pvlookrc'));
  const loaded = await loadConfigFile(null, dir, dir);
  assert.ok(loaded);
  assert.equal(loaded.file, path.join(dir, '.pvlookrc'));
  assert.equal(loaded.config.interval, 1);
  assert.equal(loaded.config.log, '/var/log/nginx/access.log');
  assert.deepEqual(loaded.config.groups?.apache, { log: '/var/log/httpd/access_log', hosts: ['web[01-04]'], patterns: { errors: '" 5[0-9][0-9] ' }, check: { minRate: 5, maxRate: 5000, maxShare: { errors: 5 } } });
  assert.deepEqual(loaded.config.check, { minRate: 1, maxDrop: 50, peers: true, peersCriticalBelow: 0.2 });
  assert.deepEqual(loaded.config.peers, { minPeers: 3, low: 0.5, high: 2, samples: 3, minRate: 1, minShare: 1 });
  assert.equal(loaded.config.groups?.ui?.peers, false);
  assert.deepEqual(loaded.config.trend, { window: 10, deadband: 0.1, minDelta: 0.5 });
});

test('finds .pvlookrc.json, YAML and the package.json key by searching upwards', async () => {
  const dir = fresh();
  const deep = path.join(dir, 'a', 'b');
  mkdirSync(deep, { recursive: true });
  writeFileSync(path.join(dir, '.pvlookrc.json'), JSON.stringify({ log: '/j.log' }));
  assert.equal((await loadConfigFile(null, deep, dir))?.config.log, '/j.log');

  const pkg = fresh();
  writeFileSync(path.join(pkg, 'package.json'), JSON.stringify({ name: 'x', pvlook: { interval: 2 } }));
  assert.equal((await loadConfigFile(null, pkg, pkg))?.config.interval, 2);

  const yml = fresh();
  writeFileSync(path.join(yml, '.pvlookrc.yml'), 'parallel: 7\n');
  assert.equal((await loadConfigFile(null, yml, yml))?.config.parallel, 7);
});

test('an unknown key names the file and the key path', async () => {
  const dir = fresh();
  writeFileSync(path.join(dir, '.pvlookrc.yaml'), 'groups:\n  apache:\n    log: /a\n    hosts: [w1]\n    lgo: oops\n');
  const error = await configErrorOf(loadConfigFile(null, dir, dir));
  assert.match(error.message, /\.pvlookrc\.yaml/);
  assert.match(error.message, /unknown key "groups\.apache\.lgo"/);
});

test('a wrong type names the file, the key and the bad value; every problem is listed', async () => {
  const dir = fresh();
  writeFileSync(path.join(dir, '.pvlookrc.json'), JSON.stringify({ interval: 'fast', parallel: 0, hosts: ['a', 3] }));
  const error = await configErrorOf(loadConfigFile(null, dir, dir));
  assert.match(error.message, /\.pvlookrc\.json/);
  assert.match(error.message, /key "interval": .*number.*got "fast"/);
  assert.match(error.message, /key "parallel": .*got 0/);
  assert.match(error.message, /key "hosts\[1\]": .*got 3/);
  assert.equal(error.problems.length, 3);
});

test('broken YAML or JSON says which file and where', async () => {
  const dir = fresh();
  writeFileSync(path.join(dir, '.pvlookrc.json'), '{ "log": ');
  const error = await configErrorOf(loadConfigFile(null, dir, dir));
  assert.match(error.message, /\.pvlookrc\.json: cannot parse/);
  const yaml = fresh();
  writeFileSync(path.join(yaml, '.pvlookrc.yaml'), 'log: [unclosed\n');
  assert.match((await configErrorOf(loadConfigFile(null, yaml, yaml))).message, /\.pvlookrc\.yaml: cannot parse/);
});

test('a config named with --config that does not exist is an error, not a silent default', async () => {
  const dir = fresh();
  const error = await configErrorOf(loadConfigFile('nope.yaml', dir));
  assert.match(error.message, /nope\.yaml: file not found/);
});

test('a JS config file runs only when named explicitly, never when found by search', async () => {
  const dir = fresh();
  writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ name: 'x', type: 'module' }));
  mkdirSync(path.join(dir, '.config'));
  writeFileSync(path.join(dir, '.config', 'pvlookrc.mjs'), "globalThis.pvlookRan = true; export default { log: '/js.log' };");
  writeFileSync(path.join(dir, 'pvlook.config.mjs'), "globalThis.pvlookRan = true; export default { log: '/js.log' };");
  const refused = await configErrorOf(loadConfigFile(null, dir, dir));
  assert.match(refused.message, /pvlookrc\.mjs: a JavaScript\/TypeScript config file runs code, so pvlook loads one only when you name it with --config/);
  assert.equal((globalThis as { pvlookRan?: boolean }).pvlookRan, undefined);
  const named = await loadConfigFile('pvlook.config.mjs', dir);
  assert.equal(named?.config.log, '/js.log');
});

test('the published JSON Schema is the one generated from the config schema, and accepts the example', async () => {
  const { configJsonSchema } = await import('../../src/config/schema.js');
  const { readFileSync } = await import('node:fs');
  const published = JSON.parse(readFileSync(path.join(import.meta.dirname, '../../schema/pvlookrc.schema.json'), 'utf8'));
  assert.deepEqual(published, JSON.parse(JSON.stringify(configJsonSchema())), 'run npm run schema');
  assert.equal(published.additionalProperties, false);
  assert.deepEqual(Object.keys(published.properties).sort(), ['$schema', 'acceptNewHostKeys', 'ascii', 'check', 'color', 'groups', 'hosts', 'interval', 'listen', 'log', 'parallel', 'patterns', 'peers', 'session', 'split', 'sshConfig', 'sudo', 'textfile', 'timeout', 'transport', 'trend', 'web', 'webToken']);
  // An editor pointing at the schema with "$schema" is fine for pvlook too.
  const dir = fresh();
  writeFileSync(path.join(dir, '.pvlookrc.json'), JSON.stringify({ $schema: './schema/pvlookrc.schema.json', interval: 3 }));
  assert.equal((await loadConfigFile(null, dir, dir))?.config.interval, 3);
});


test('a found config that is not the user\'s own may say what to watch, but not steer pvlook', async () => {
  const dir = fresh();
  const file = path.join(dir, '.pvlookrc.json');
  writeFileSync(file, JSON.stringify({ log: '/x.log', sshConfig: './evil_ssh_config', textfile: '/etc/passwd', web: '0.0.0.0:8080', webToken: 'a'.repeat(32), acceptNewHostKeys: true, groups: { g: { log: '/y', hosts: ['h'], sudo: true } } }));
  chmodSync(file, 0o666);
  const refused = await configErrorOf(loadConfigFile(null, dir, dir));
  assert.equal(refused.file, file);
  for (const key of ['sshConfig', 'textfile', 'web', 'webToken', 'acceptNewHostKeys', 'groups.g.sudo']) {
    assert.ok(refused.problems.some((problem) => problem.startsWith(`key "${key}" `) && /writable by everyone \(mode 666\)/.test(problem)), `${key}: ${refused.message}`);
  }
  assert.match(refused.message, /name it with --config/);
  // The same file named by the user is the user's choice.
  assert.equal((await loadConfigFile(file, dir))?.config.sshConfig, './evil_ssh_config');
  // Only data: a stranger's file still says what to watch.
  writeFileSync(file, JSON.stringify({ log: '/x.log', hosts: ['a'], interval: 2 }));
  assert.equal((await loadConfigFile(null, dir, dir))?.config.log, '/x.log');
  // Made the user's own and private, it steers again.
  writeFileSync(file, JSON.stringify({ textfile: '/tmp/m.prom' }));
  chmodSync(file, 0o600);
  assert.equal((await loadConfigFile(null, dir, dir))?.config.textfile, '/tmp/m.prom');
});

test('outside the home folder the search looks in the current folder only, never up to /', async () => {
  const home = fresh();
  const outside = fresh();
  const below = path.join(outside, 'a', 'b');
  mkdirSync(below, { recursive: true });
  writeFileSync(path.join(outside, '.pvlookrc.json'), JSON.stringify({ log: '/planted.log' }));
  assert.equal(await loadConfigFile(null, below, home), null);
  assert.equal((await loadConfigFile(null, outside, home))?.config.log, '/planted.log');
  // Inside home it still walks up to home.
  const deep = path.join(home, 'p', 'q');
  mkdirSync(deep, { recursive: true });
  writeFileSync(path.join(home, '.pvlookrc.json'), JSON.stringify({ log: '/home.log' }));
  assert.equal((await loadConfigFile(null, deep, home))?.config.log, '/home.log');
});

test('config mistakes: the line, one message per problem in pvlook\'s words, "did you mean", and in file order', async () => {
  const dir = fresh();
  writeFileSync(path.join(dir, '.pvlookrc.yaml'), 'log: /x\nintervall: 2\ninterval: -1\nparallel: 0\ngroups:\n  api:\n    log: /a\n    hosts: [a]\n    chek: { minRate: 1 }\n');
  const error = await configErrorOf(loadConfigFile(null, dir, dir));
  assert.deepEqual(error.problems, [
    'line 2: unknown key "intervall" (did you mean "interval"?)',
    'line 3: key "interval": must be at least 0.1 seconds (got -1)',
    'line 4: key "parallel": must be at least 1 (got 0)',
    'line 9: unknown key "groups.api.chek" (did you mean "check"?)',
  ]);
  // JSON has lines too; a key far from every known one gets no guess.
  const json = fresh();
  writeFileSync(path.join(json, '.pvlookrc.json'), '{\n  "log": "/x",\n  "hosts": ["a", 3],\n  "zzzzzz": 1\n}\n');
  assert.deepEqual((await configErrorOf(loadConfigFile(null, json, json))).problems, ['line 3: key "hosts[1]": expected string, received number (got 3)', 'line 4: unknown key "zzzzzz"']);
});

test('one host may be written alone, as a string; several in one string are a clear error', async () => {
  const dir = fresh();
  writeFileSync(path.join(dir, '.pvlookrc.yaml'), 'log: /x\nhosts: h4\ngroups:\n  api:\n    log: /a\n    hosts: web[01-03]\n');
  const loaded = await loadConfigFile(null, dir, dir);
  assert.deepEqual(loaded?.config.hosts, ['h4']);
  assert.deepEqual(loaded?.config.groups?.api?.hosts, ['web[01-03]']);
  writeFileSync(path.join(dir, '.pvlookrc.yaml'), 'log: /x\nhosts: h4 h5\n');
  assert.deepEqual((await configErrorOf(loadConfigFile(null, dir, dir))).problems, ['line 2: key "hosts": several hosts are a list: [h1, h2] (got "h4 h5")']);
});

test('a found config that is a link, or names an ssh config from a folder outside home and ~/.config, is data only', async () => {
  const home = fresh();
  const project = path.join(home, 'cloned-repo');
  mkdirSync(project);
  const real = path.join(fresh(), 'evil.json');
  writeFileSync(real, JSON.stringify({ textfile: '/tmp/x.prom' }));
  symlinkSync(real, path.join(project, '.pvlookrc.json'));
  const linked = await configErrorOf(loadConfigFile(null, project, home));
  assert.match(linked.message, /key "textfile" makes pvlook write a file, and this file was found by searching but it is a symbolic link/);
  // The user's own file in a folder they cloned may steer, but not name an ssh config (its Match exec would run).
  rmSync(path.join(project, '.pvlookrc.json'));
  writeFileSync(path.join(project, '.pvlookrc.json'), JSON.stringify({ sshConfig: './ssh_config', textfile: '/tmp/x.prom' }));
  const cloned = await configErrorOf(loadConfigFile(null, project, home));
  assert.deepEqual(cloned.problems.length, 1);
  assert.match(cloned.message, /key "sshConfig" names an ssh config.*not in your home folder or ~\/\.config: .*name the file with --config/);
  // In home itself, or ~/.config/pvlook, it is the user's own place.
  writeFileSync(path.join(home, '.pvlookrc.json'), JSON.stringify({ sshConfig: './ssh_config' }));
  assert.equal((await loadConfigFile(null, home, home))?.config.sshConfig, './ssh_config');
  // HOME=/ makes no folder "home": the search stays in the current folder, never walking up to the project's file.
  mkdirSync(path.join(project, 'sub'));
  assert.equal(await loadConfigFile(null, path.join(project, 'sub'), '/'), null);
});

test('"did you mean" inside peers too, at the top and in a group', async () => {
  const dir = fresh();
  writeFileSync(path.join(dir, '.pvlookrc.yaml'), 'log: /x\nhosts: [a]\npeers: { minpeer: 2 }\ngroups:\n  web:\n    log: /w\n    hosts: [b]\n    peers: { hihg: 3 }\n');
  assert.deepEqual((await configErrorOf(loadConfigFile(null, dir, dir))).problems, ['line 3: unknown key "peers.minpeer" (did you mean "minPeers"?)', 'line 8: unknown key "groups.web.peers.hihg" (did you mean "high"?)']);
});
