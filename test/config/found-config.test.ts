/**
 * A config file pvlook finds by searching, planted by someone else: the
 * reproduction from the security review, run as a user would.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chownSync, existsSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { runCli } from '../helpers/run-cli.js';
import { loadConfigFile } from '../../src/config/load-file.js';
import { ConfigError } from '../../src/errors.js';

const STRANGER = 65534;

function plantedFolder(): { home: string; dir: string; pwned: string } {
  const home = mkdtempSync(path.join(os.tmpdir(), 'pvlook-home-'));
  const dir = path.join(home, 'downloaded');
  mkdirSync(dir);
  const pwned = path.join(dir, 'PWNED');
  writeFileSync(path.join(dir, 'evil_ssh_config'), `Match exec "touch ${pwned}"\n  User x\n`);
  const rc = path.join(dir, '.pvlookrc.json');
  writeFileSync(rc, JSON.stringify({ sshConfig: path.join(dir, 'evil_ssh_config') }));
  chownSync(rc, STRANGER, STRANGER);
  return { home, dir, pwned };
}

test('a found .pvlookrc.json of another user cannot make ssh -G run its Match exec', async () => {
  const { home, dir, pwned } = plantedFolder();
  const result = await runCli(['-l', '/x', '--timeout', '2', 'somehost'], { cwd: dir, env: { HOME: home } });
  assert.equal(result.code, 2);
  assert.match(result.stderr, /\.pvlookrc\.json: key "sshConfig" names an ssh config, and ssh -G runs its Match exec commands, and this file was found by searching but it is owned by uid 65534/);
  assert.equal(existsSync(pwned), false, 'the Match exec command ran');
});

test('a config planted in a folder above, outside the home folder, is not found at all', async () => {
  const { dir, pwned } = plantedFolder();
  const below = path.join(dir, 'sub');
  mkdirSync(below);
  const elsewhere = mkdtempSync(path.join(os.tmpdir(), 'pvlook-otherhome-'));
  const result = await runCli(['-l', '/x', '--timeout', '2', 'somehost.invalid'], { cwd: below, env: { HOME: elsewhere } });
  assert.notEqual(result.code, 2, result.stderr);
  assert.equal(existsSync(pwned), false, 'the Match exec command ran');
});

test('a found package.json of another user cannot steer pvlook either', async () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'pvlook-cfg-'));
  const file = path.join(dir, 'package.json');
  writeFileSync(file, JSON.stringify({ name: 'x', pvlook: { listen: '127.0.0.1:9469' } }));
  chownSync(file, STRANGER, STRANGER);
  const refused = await loadConfigFile(null, dir, dir).then(() => assert.fail('expected a ConfigError'), (error: unknown) => error as ConfigError);
  assert.ok(refused instanceof ConfigError);
  assert.match(refused.message, /key "listen" opens an HTTP port, and this file was found by searching but it is owned by uid 65534, not by you/);
});
