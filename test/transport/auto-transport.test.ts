/**
 * The auto transport with fake clients and settings: which client each host
 * goes to and why, decided once per host, jump hosts included, and the
 * settings handed to the built-in client instead of a second lookup.
 */
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseHostSpec, type HostSpec } from '../../src/core/host-spec.js';
import type { TransportMode } from '../../src/core/transport-choice.js';
import { AutoTransport } from '../../src/transport/auto-transport.js';
import { fallbackSettings, type SettingsResolver, type SshSettings } from '../../src/transport/ssh-settings.js';
import type { RemoteShell, Transport } from '../../src/transport/transport.js';

const dir = mkdtempSync(path.join(os.tmpdir(), 'pvlook-auto-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const KEY = 'AAAAC3NzaC1lZDI1NTE5AAAAIAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA';
const knownHosts = path.join(dir, 'known_hosts');
writeFileSync(knownHosts, `@cert-authority bastion-ca ssh-ed25519 ${KEY}\nplain,bastion-plain ssh-ed25519 ${KEY}\n`);

/** Settings as ssh -G would give them, with this folder's known_hosts and no key files. */
const settingsOf: Record<string, Partial<SshSettings>> = {
  plain: {},
  'ca-only': {},
  proxied: { proxyCommand: 'nc %h %p' },
  'behind-ca': { proxyJump: 'bastion-plain,bastion-ca' },
  'behind-plain': { proxyJump: 'bastion-plain' },
};

function fakes() {
  const used: string[] = [];
  const lookups: string[] = [];
  const client = (name: string): Transport => ({
    openShell: async (host: HostSpec) => {
      used.push(`${host.label}:${name}`);
      return { write: () => undefined, end: () => undefined, abandon: () => undefined } satisfies RemoteShell;
    },
    close: async () => undefined,
  });
  const resolve: SettingsResolver = async (spec) => {
    lookups.push(spec.label);
    return { ...fallbackSettings(spec, dir), identityFiles: [], knownHostsFiles: [knownHosts], ...settingsOf[spec.host] };
  };
  const builtin = client('builtin');
  const t = new AutoTransport({
    // The built-in client looks its host up at once on every connection it is not handed settings for, as SshTransport does.
    builtin: {
      ...builtin,
      openShell: (host, shellListeners, signal, options) => {
        if (options?.settings === undefined) void resolve(host);
        return builtin.openShell(host, shellListeners, signal);
      },
    },
    openssh: client('openssh'),
    resolveSettings: resolve,
    agentSocket: '/run/agent',
  });
  return { t, used, lookups };
}

const listeners = { stdout: () => undefined, stderr: () => undefined, closed: () => undefined };
/** Open `host`'s shell, the client named as its plan would name it (`transport` per group), or left to auto. */
const open = (t: AutoTransport, host: string, transport?: TransportMode) => t.openShell({ ...parseHostSpec(host), ...(transport ? { transport } : {}) }, listeners, new AbortController().signal);

test('auto sends each host where its settings can be honoured, and says why', async () => {
  const { t, used } = fakes();
  for (const host of ['plain', 'ca-only', 'proxied']) await open(t, host);
  assert.deepEqual(used, ['plain:builtin', 'ca-only:builtin', 'proxied:openssh']);
  assert.equal((await t.choice(parseHostSpec('proxied'))).why, 'ProxyCommand nc %h %p');
  assert.equal((await t.choice(parseHostSpec('plain'))).why, 'nothing in its settings needs OpenSSH');
});

test('a host known only through a CA, or behind a jump host that is, goes to OpenSSH', async () => {
  const { t } = fakes();
  assert.equal((await t.choice(parseHostSpec('bastion-ca'))).transport, 'openssh');
  assert.deepEqual(await t.choice(parseHostSpec('behind-ca')), { transport: 'openssh', why: 'jump host bastion-ca: host key trusted only through @cert-authority in known_hosts' });
  assert.equal((await t.choice(parseHostSpec('behind-plain'))).transport, 'builtin');
});

test('a named client needs no settings; the choice is made once per host, and the built-in client gets the settings it was made with', async () => {
  const { t, used, lookups } = fakes();
  await open(t, 'proxied', 'builtin');
  await open(t, 'plain', 'openssh');
  // Only the built-in client's own lookup when it connects: the choice itself read nothing.
  assert.deepEqual(lookups, ['proxied']);
  assert.deepEqual(used, ['proxied:builtin', 'plain:openssh']);
  const auto = fakes();
  for (let i = 0; i < 3; i++) await open(auto.t, 'behind-plain');
  // The choice's lookups (the target, handed on to the built-in client's first connection, and its jump host), then the built-in client's own on each later connection.
  assert.deepEqual(auto.lookups, ['behind-plain', 'bastion-plain', 'behind-plain', 'behind-plain']);
});
