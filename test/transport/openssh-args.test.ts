import { test } from 'node:test';
import assert from 'node:assert/strict';
import { sshArgs } from '../../src/transport/openssh-transport.js';
import { parseHostSpec } from '../../src/core/host-spec.js';

test('ssh is asked for no prompt, no terminal and no forwarding, never to relax host-key checks, and gets the host after --', () => {
  const args = sshArgs(parseHostSpec('alice@web01:2222'), { configFile: '/etc/pvlook/ssh_config' });
  assert.deepEqual(args.slice(-3), ['--', 'web01', '/bin/sh -s']);
  for (const [flag, value] of [['-o', 'BatchMode=yes'], ['-F', '/etc/pvlook/ssh_config'], ['-p', '2222'], ['-l', 'alice'], ['-o', 'ClearAllForwardings=yes'], ['-o', 'ForwardAgent=no'], ['-e', 'none'], ['-o', 'PermitLocalCommand=no'], ['-o', 'RemoteCommand=none']]) {
    assert.ok(args.some((arg, i) => arg === flag && args[i + 1] === value), `${flag} ${value}`);
  }
  assert.ok(args.includes('-T'));
  assert.ok(!args.some((arg) => /StrictHostKeyChecking|UserKnownHostsFile|CheckHostIP/i.test(arg)));
  // --accept-new is the one host-key setting passed on, and only when asked for.
  assert.ok(sshArgs(parseHostSpec('web01'), { configFile: null, acceptNewHostKeys: true }).includes('StrictHostKeyChecking=accept-new'));
  assert.ok(!sshArgs(parseHostSpec('web01'), { configFile: null }).includes('-F'));
});

test('a sudo host runs the sudo command in place of the plain shell, still after --', () => {
  const args = sshArgs(parseHostSpec('web01'), { configFile: null }, 'sudo -n /bin/sh -s');
  assert.deepEqual(args.slice(-3), ['--', 'web01', 'sudo -n /bin/sh -s']);
});
