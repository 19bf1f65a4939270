/**
 * What `auto` looks at, read through the real `ssh -G` and the files it
 * names: certificates (named or beside a key), GSSAPI, known_hosts, and key
 * types the built-in client cannot use.
 */
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseHostSpec } from '../../src/core/host-spec.js';
import { chooseTransport } from '../../src/core/transport-choice.js';
import { openSshResolver } from '../../src/transport/ssh-settings.js';
import { transportFacts } from '../../src/transport/transport-facts.js';

const dir = mkdtempSync(path.join(os.tmpdir(), 'pvlook-facts-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const file = (name: string, text = '') => {
  const target = path.join(dir, name);
  writeFileSync(target, text, { mode: 0o600 });
  return target;
};

/** An unencrypted OpenSSH private key of a FIDO type (what `ssh-keygen -t ed25519-sk` writes; no device needed to read its type). */
function securityKey(): string {
  const str = (data: Buffer | string) => {
    const bytes = Buffer.from(data);
    const length = Buffer.alloc(4);
    length.writeUInt32BE(bytes.length);
    return Buffer.concat([length, bytes]);
  };
  const type = 'sk-ssh-ed25519@openssh.com';
  const pub = Buffer.concat([str(type), str(Buffer.alloc(32, 1)), str('ssh:')]);
  const priv = Buffer.concat([Buffer.from([0, 0, 0, 7, 0, 0, 0, 7]), pub, Buffer.from([1]), str(Buffer.alloc(16, 2)), str(''), str('c'), Buffer.from([1, 2, 3])]);
  const body = Buffer.concat([Buffer.from('openssh-key-v1\0'), str('none'), str('none'), str(''), Buffer.from([0, 0, 0, 1]), str(pub), str(priv)]);
  return `-----BEGIN OPENSSH PRIVATE KEY-----\n${body.toString('base64').replace(/.{70}/g, '$&\n')}\n-----END OPENSSH PRIVATE KEY-----\n`;
}

const ca = 'AAAAC3NzaC1lZDI1NTE5AAAAIAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA';
const plainKey = path.join(dir, 'id_plain');
execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', plainKey]);
const knownHosts = file('known_hosts', `@cert-authority *.ca.example ssh-ed25519 ${ca}\nplain.example ssh-ed25519 ${ca}\n`);
// OpenSSH presents `<key>-cert.pub` unasked, so a certificate beside a key counts.
file('id_beside-cert.pub', 'a certificate');
const config = file(
  'ssh_config',
  [
    'Host named-cert',
    `  CertificateFile ${file('named-cert.pub', 'x')}`,
    'Host beside',
    `  IdentityFile ${file('id_beside', 'a key')}`,
    'Host fido',
    `  IdentityFile ${file('id_fido', securityKey())}`,
    'Host kerberos-with-key',
    '  GSSAPIAuthentication yes',
    'Host *',
    `  IdentityFile ${plainKey}`,
    `  UserKnownHostsFile ${knownHosts}`,
    '  GlobalKnownHostsFile /dev/null',
    '  GSSAPIAuthentication no',
  ].join('\n') + '\n',
);

const choose = async (host: string, agent?: string) => chooseTransport(await transportFacts(await openSshResolver(config, dir)(parseHostSpec(host)), agent));

test('what ssh -G resolves decides: certificates named or beside a key, a host known only through a CA', async () => {
  assert.match((await choose('named-cert')).why, /^user certificate .*named-cert\.pub$/);
  assert.match((await choose('beside')).why, /^user certificate .*id_beside-cert\.pub$/);
  assert.equal((await choose('web.ca.example')).why, 'host key trusted only through @cert-authority in known_hosts');
  assert.equal((await choose('plain.example')).transport, 'builtin');
  assert.equal((await choose('unknown.example')).transport, 'builtin');
});

test('key types: a FIDO key alone needs OpenSSH; beside a usable key or an agent it does not', async () => {
  // Host * adds the plain key after the FIDO one: the built-in client has a key to log in with.
  assert.equal((await choose('fido')).transport, 'builtin');
  const onlyFido = file('ssh_config.fido', `Host *\n  IdentityFile ${path.join(dir, 'id_fido')}\n  UserKnownHostsFile ${knownHosts}\n`);
  const facts = await transportFacts(await openSshResolver(onlyFido, dir)(parseHostSpec('fido')), undefined);
  assert.deepEqual(facts.unusableKeys, [`${path.join(dir, 'id_fido')} (sk-ssh-ed25519@openssh.com)`]);
  assert.match(chooseTransport(facts).why, /^key type the built-in client cannot use: .*id_fido \(sk-ssh-ed25519@openssh\.com\)$/);
  assert.equal(chooseTransport(await transportFacts(await openSshResolver(onlyFido, dir)(parseHostSpec('fido')), '/run/agent.sock')).transport, 'builtin');
});

test('GSSAPIAuthentication yes picks OpenSSH only where the built-in client has no key', async () => {
  assert.equal((await choose('kerberos-with-key')).transport, 'builtin');
  const noKey = file('ssh_config.kerberos', `Host *\n  GSSAPIAuthentication yes\n  IdentityFile /nonexistent/key\n  UserKnownHostsFile ${knownHosts}\n`);
  const facts = await transportFacts(await openSshResolver(noKey, dir)(parseHostSpec('kerberos')), undefined);
  assert.equal(chooseTransport(facts).why, 'GSSAPIAuthentication yes and no key the built-in client can use');
});
