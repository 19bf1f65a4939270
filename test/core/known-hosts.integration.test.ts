/** known_hosts lines hashed by OpenSSH's own ssh-keygen -H, read as OpenSSH reads them. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { judgeHostKey, keysForHost, parseKnownHosts } from '../../src/core/known-hosts.js';

const KEY_A = 'AAAAC3NzaC1lZDI1NTE5AAAAIAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA';
const KEY_B = 'AAAAC3NzaC1lZDI1NTE5AAAAIBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBB';

test('hashed entries written by ssh-keygen -H match, with and without a port', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'pvlook-kh-'));
  const file = path.join(dir, 'known_hosts');
  writeFileSync(file, `web01 ssh-ed25519 ${KEY_A}\n[web02]:2222 ssh-ed25519 ${KEY_B}\n`);
  execFileSync('ssh-keygen', ['-H', '-f', file], { stdio: 'ignore' });
  const text = readFileSync(file, 'utf8');
  assert.match(text, /^\|1\|/);
  assert.doesNotMatch(text, /web0/);
  const lines = parseKnownHosts(text);
  assert.equal(judgeHostKey(keysForHost(lines, 'web01'), KEY_A), 'trusted');
  assert.equal(judgeHostKey(keysForHost(lines, '[web02]:2222'), KEY_B), 'trusted');
  assert.equal(judgeHostKey(keysForHost(lines, 'web02'), KEY_B), 'unknown');
});
