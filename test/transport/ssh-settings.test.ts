import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseSshG } from '../../src/transport/ssh-settings.js';

test('ssh -G: host-key sources only OpenSSH reads are noted, "none" is not one', () => {
  const base = 'hostname web01\nport 22\nuser ops\n';
  assert.deepEqual(parseSshG(`${base}revokedhostkeys /etc/ssh/revoked.krl\nknownhostscommand /usr/local/bin/keys %H\n`, '/home/ops').hostKeySourcesOnlyOpenSshReads, [
    'RevokedHostKeys /etc/ssh/revoked.krl',
    'KnownHostsCommand /usr/local/bin/keys %H',
  ]);
  assert.deepEqual(parseSshG(`${base}revokedhostkeys none\nknownhostscommand none\n`, '/home/ops').hostKeySourcesOnlyOpenSshReads, []);
  assert.deepEqual(parseSshG(base, '/home/ops').hostKeySourcesOnlyOpenSshReads, []);
});
