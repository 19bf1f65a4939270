import { test } from 'node:test';
import assert from 'node:assert/strict';
import { hasCertAuthorityFor, hostKeyAlgorithmsFor, judgeHostKey, keysForHost, knownHostsName, parseKnownHosts, verdictOrigin } from '../../src/core/known-hosts.js';

const KEY_A = 'AAAAC3NzaC1lZDI1NTE5AAAAIAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA';
const KEY_B = 'AAAAC3NzaC1lZDI1NTE5AAAAIBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBB';

test('non-default ports use the [host]:port form', () => {
  assert.equal(knownHostsName('web01', 22), 'web01');
  assert.equal(knownHostsName('web01', 2222), '[web01]:2222');
});

test('plain names, lists, wildcards and negation match as in OpenSSH', () => {
  const lines = parseKnownHosts(
    [
      '# comment',
      `web01,10.0.0.1 ssh-ed25519 ${KEY_A}`,
      `*.prod.example.com,!bad.prod.example.com ssh-ed25519 ${KEY_B}`,
      `[web02]:2222 ssh-ed25519 ${KEY_B}`,
      `@cert-authority *.example.com ssh-ed25519 ${KEY_A}`,
    ].join('\n'),
  );
  assert.deepEqual(judgeHostKey(keysForHost(lines, 'web01'), KEY_A), 'trusted');
  assert.deepEqual(judgeHostKey(keysForHost(lines, 'WEB01'), KEY_A), 'trusted');
  assert.deepEqual(judgeHostKey(keysForHost(lines, 'web01'), KEY_B), 'changed');
  assert.deepEqual(judgeHostKey(keysForHost(lines, 'a.prod.example.com'), KEY_B), 'trusted');
  assert.deepEqual(judgeHostKey(keysForHost(lines, 'bad.prod.example.com'), KEY_B), 'unknown');
  assert.deepEqual(judgeHostKey(keysForHost(lines, '[web02]:2222'), KEY_B), 'trusted');
  assert.deepEqual(judgeHostKey(keysForHost(lines, 'web02'), KEY_B), 'unknown');
  assert.deepEqual(judgeHostKey(keysForHost(lines, 'other'), KEY_A), 'unknown');
});

test('a revoked key is refused even where it is also listed as trusted', () => {
  const lines = parseKnownHosts(`web01 ssh-ed25519 ${KEY_A}\n@revoked * ssh-ed25519 ${KEY_A}\n`);
  assert.equal(judgeHostKey(keysForHost(lines, 'web01'), KEY_A), 'revoked');
});

test('only the key types known for a host are offered, RSA with its SHA-2 forms', () => {
  assert.deepEqual(hostKeyAlgorithmsFor(['ssh-ed25519', 'ssh-rsa', 'ssh-ed25519']), ['ssh-ed25519', 'rsa-sha2-512', 'rsa-sha2-256', 'ssh-rsa']);
});

test('a verdict names its line: the one vouching, revoking, or holding the other key', () => {
  const lines = parseKnownHosts(`# first\nweb01 ssh-ed25519 ${KEY_B}\n\nweb01 ssh-ed25519 ${KEY_A}\n@revoked * ssh-ed25519 ${KEY_B}\n`, '/k/known_hosts');
  const keys = keysForHost(lines, 'web01');
  assert.deepEqual(verdictOrigin(keys, KEY_A), { file: '/k/known_hosts', line: 4 });
  assert.equal(judgeHostKey(keys, KEY_B), 'revoked');
  assert.deepEqual(verdictOrigin(keys, KEY_B), { file: '/k/known_hosts', line: 5 });
  const other = keysForHost(parseKnownHosts(`web01 ssh-ed25519 ${KEY_A}\n`, 'kh'), 'web01');
  assert.equal(judgeHostKey(other, KEY_B), 'changed');
  assert.deepEqual(verdictOrigin(other, KEY_B), { file: 'kh', line: 1 });
  assert.equal(verdictOrigin(keysForHost(lines, 'web02'), KEY_A), null);
});

test('a @cert-authority line vouches for the hosts it names, but is never a host key itself; a revoked CA vouches for none', () => {
  const lines = parseKnownHosts(`@cert-authority *.example.com,!db.example.com ssh-ed25519 ${KEY_A}\n@cert-authority [10.0.0.*]:2222 ssh-ed25519 ${KEY_B}\n@revoked * ssh-ed25519 ${KEY_B}\n`);
  assert.equal(hasCertAuthorityFor(lines, 'web.example.com'), true);
  assert.equal(hasCertAuthorityFor(lines, 'db.example.com'), false);
  assert.equal(hasCertAuthorityFor(lines, 'web.example.org'), false);
  assert.equal(hasCertAuthorityFor(lines, '[10.0.0.7]:2222'), false);
  assert.equal(judgeHostKey(keysForHost(lines, 'web.example.com'), KEY_A), 'unknown');
});
