import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execSync } from 'node:child_process';
import { hostKeyStep } from '../../src/doctor/host-key-step.js';
import type { SshSettings } from '../../src/transport/ssh-settings.js';

const settings: SshSettings = {
  hostname: '10.0.0.7',
  port: 22,
  user: 'ops',
  identityFiles: [],
  knownHostsFiles: ['/home/ops/.ssh/known_hosts', '/etc/ssh/ssh_known_hosts'],
  hostKeyAlias: null,
  proxyJump: null,
  proxyCommand: null,
  hashKnownHosts: false,
};
const verdict = { keyType: 'ssh-ed25519', fingerprint: 'SHA256:abc', origin: null };

test('unknown key: how to check the fingerprint on the host, and the ssh-keyscan line for the user file', () => {
  const step = hostKeyStep({ ...verdict, verdict: 'unknown' }, '10.0.0.7', settings, null);
  assert.equal(step.status, 'failed');
  assert.equal(step.fix, 'if SHA256:abc is the host\'s key (on the host: ssh-keygen -lf /etc/ssh/ssh_host_ed25519_key.pub), add it: ssh-keyscan -p 22 -t ssh-ed25519 10.0.0.7 >> /home/ops/.ssh/known_hosts');
});

test('with a HostKeyAlias, the scanned line is renamed to the alias (what ssh looks up)', () => {
  const step = hostKeyStep({ ...verdict, verdict: 'unknown' }, 'web/01', { ...settings, hostKeyAlias: 'web/01' }, null);
  const rename = /\| (sed '.*') >>/.exec(step.fix ?? '')?.[1];
  assert.ok(rename, step.fix ?? '');
  assert.equal(execSync(`echo '10.0.0.7 ssh-ed25519 AAAA' | ${rename}`).toString(), 'web/01 ssh-ed25519 AAAA\n');
});

test('trusted: the vouching line; recorded: where it went; revoked: refused with its line', () => {
  assert.equal(hostKeyStep({ ...verdict, verdict: 'trusted', origin: { file: '/k', line: 7 } }, 'x', settings, 12).detail, 'ssh-ed25519 SHA256:abc, vouched for by /k:7 (handshake 12 ms)');
  assert.match(hostKeyStep({ ...verdict, verdict: 'recorded' }, 'x', settings, null).detail, /recorded in \/home\/ops\/\.ssh\/known_hosts \(--accept-new\)$/);
  const revoked = hostKeyStep({ ...verdict, verdict: 'revoked', origin: { file: '/k', line: 3 } }, 'x', settings, null);
  assert.equal(revoked.status, 'failed');
  assert.match(revoked.detail, /revoked \(\/k:3\)$/);
});
