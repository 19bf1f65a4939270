import { test } from 'node:test';
import assert from 'node:assert/strict';
import { safeRow } from '../../src/core/safe-text.js';
import { row } from '../helpers/rows.js';
import { saysConnectionLost, sshFailure } from '../../src/transport/openssh-failure.js';

test('ssh\'s own failures map to pvlook\'s words, with the first line that says something', () => {
  const cases: [string, string, RegExp][] = [
    ['No ED25519 host key is known for [127.0.0.5]:2222 and you have requested strict checking.\r\nHost key verification failed.\r\n', 'hostkey', /: No ED25519 host key is known for \[127\.0\.0\.5\]:2222/],
    ['@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@\n@    WARNING: REMOTE HOST IDENTIFICATION HAS CHANGED!     @\n@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@\nIT IS POSSIBLE THAT SOMEONE IS DOING SOMETHING NASTY!\nHost key verification failed.\n', 'hostkey', /: WARNING: REMOTE HOST IDENTIFICATION HAS CHANGED!$/],
    ['Warning: Permanently added \'[127.0.0.5]:2222\' (ED25519) to the list of known hosts.\r\nalice@127.0.0.5: Permission denied (publickey).\r\n', 'auth', /: alice@127\.0\.0\.5: Permission denied \(publickey\)\.$/],
    ['ssh: connect to host 127.0.0.1 port 1: Connection refused\r\n', 'refused', /Connection refused/],
    ['ssh: Could not resolve hostname nowhere.invalid: Name or service not known\r\n', 'dns', /Could not resolve hostname/],
    ['ssh: connect to host 10.255.255.1 port 22: Connection timed out\r\n', 'timeout', /timed out/],
    ['kex_exchange_identification: Connection closed by remote host\r\nConnection closed by UNKNOWN port 65535\r\n', 'unreachable', /kex_exchange_identification/],
    ['', 'error', /no message/],
  ];
  for (const [stderr, status, message] of cases) {
    const error = sshFailure(stderr, 'web01');
    assert.equal(error.status, status, stderr);
    assert.match(error.message, /^ssh to web01 failed: /);
    assert.match(error.message, message);
  }
});

test('what a host says on stderr is kept as said, and shown escaped, never as terminal control', () => {
  const error = sshFailure('\x1b]0;owned\x07Permission denied\r\n', 'web01');
  assert.equal(error.status, 'auth');
  // Escaped once, where it leaves pvlook: a row's error goes through safeRow in every renderer.
  const shown = safeRow(row({ host: 'web01', status: error.status, error: error.message })).error ?? '';
  assert.doesNotMatch(shown, /\p{Cc}/u);
  assert.match(shown, /\\x1b\]0;owned\\x07Permission denied/);
});

test('a connection that went away is told from a shell that exited with 255', () => {
  assert.equal(saysConnectionLost('Connection to 127.0.0.5 closed by remote host.\r\n'), true);
  assert.equal(saysConnectionLost('client_loop: send disconnect: Broken pipe\r\n'), true);
  assert.equal(saysConnectionLost(''), false);
});
