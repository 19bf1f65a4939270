import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chooseTransport, type TransportFacts } from '../../src/core/transport-choice.js';

const plain: TransportFacts = { proxyCommand: null, certificates: [], knownHosts: 'keys', gssapiAuthentication: false, usableKey: true, unusableKeys: [] };

test('an ordinary host, or one not yet in known_hosts, stays with the built-in client', () => {
  assert.equal(chooseTransport(plain).transport, 'builtin');
  assert.equal(chooseTransport({ ...plain, knownHosts: 'none' }).transport, 'builtin');
  // With a key it can use, GSSAPI is just one more method the built-in client does without.
  assert.equal(chooseTransport({ ...plain, gssapiAuthentication: true }).transport, 'builtin');
  assert.equal(chooseTransport({ ...plain, unusableKeys: ['/k/id_ed25519_sk (sk-ssh-ed25519@openssh.com)'] }).transport, 'builtin');
});

test('each setting only OpenSSH honours picks OpenSSH, and says which', () => {
  const cases: [Partial<TransportFacts>, RegExp][] = [
    [{ proxyCommand: 'ssh -W %h:%p bastion' }, /^ProxyCommand ssh -W %h:%p bastion$/],
    [{ knownHosts: 'cert-authority' }, /@cert-authority/],
    [{ certificates: ['/k/id_ed25519-cert.pub'] }, /certificate \/k\/id_ed25519-cert\.pub/],
    [{ usableKey: false, unusableKeys: ['/k/id_ed25519_sk (sk-ssh-ed25519@openssh.com)'] }, /cannot use: \/k\/id_ed25519_sk \(sk-ssh-ed25519@openssh\.com\)/],
    [{ usableKey: false, gssapiAuthentication: true }, /GSSAPIAuthentication yes/],
    // Host-key sources the built-in client does not read: it would check less than the user's policy.
    [{ hostKeySources: ['RevokedHostKeys /etc/ssh/revoked.krl'] }, /^RevokedHostKeys \/etc\/ssh\/revoked\.krl \(read by OpenSSH only\)$/],
    [{ hostKeySources: ['KnownHostsCommand /usr/local/bin/keys %H'] }, /KnownHostsCommand/],
  ];
  for (const [facts, why] of cases) {
    const choice = chooseTransport({ ...plain, ...facts });
    assert.equal(choice.transport, 'openssh', JSON.stringify(facts));
    assert.match(choice.why, why);
  }
});

test('no key at all and no GSSAPI: the built-in client, which says what is missing', () => {
  assert.equal(chooseTransport({ ...plain, usableKey: false }).transport, 'builtin');
});
