/**
 * The facts `chooseTransport` needs, read from a host's resolved settings and
 * the files they name: known_hosts (through the same cache the host-key check
 * uses), certificate files, and the identity files' key types.
 */
import { access, readFile } from 'node:fs/promises';
import ssh2 from 'ssh2';
import { hasCertAuthorityFor, keysForHost, knownHostsName } from '../core/known-hosts.js';
import type { TransportFacts } from '../core/transport-choice.js';
import { readKnownHosts } from './known-hosts-store.js';
import type { SshSettings } from './ssh-settings.js';
import { agentSocketFor } from './ssh-auth.js';

export async function transportFacts(settings: SshSettings, agentSocket: string | undefined): Promise<TransportFacts> {
  const lines = await readKnownHosts(settings.knownHostsFiles);
  const name = settings.hostKeyAlias ?? knownHostsName(settings.hostname, settings.port);
  const knownHosts = keysForHost(lines, name).trusted.length > 0 ? 'keys' : hasCertAuthorityFor(lines, name) ? 'cert-authority' : 'none';
  // OpenSSH also presents `<IdentityFile>-cert.pub` when it exists, without being told.
  const certificateCandidates = [...(settings.certificateFiles ?? []), ...settings.identityFiles.map((file) => `${file}-cert.pub`)];
  const certificates = (await Promise.all(certificateCandidates.map(async (file) => ((await exists(file)) ? file : null)))).filter((file) => file !== null);
  const keys = await Promise.all(settings.identityFiles.map(async (file) => ({ file, kind: await keyKind(file) })));
  return {
    proxyCommand: settings.proxyCommand,
    hostKeySources: settings.hostKeySourcesOnlyOpenSshReads ?? [],
    certificates: [...new Set(certificates)],
    knownHosts,
    gssapiAuthentication: settings.gssapiAuthentication ?? false,
    // Under IdentitiesOnly the agent helps only with keys an IdentityFile names; those files' presence is the cheap sign.
    usableKey: (agentSocketFor(settings, agentSocket) !== null && (settings.identitiesOnly !== true || keys.some((key) => key.kind !== 'absent'))) || keys.some((key) => key.kind === 'usable'),
    unusableKeys: keys.flatMap((key) => (key.kind !== 'usable' && key.kind !== 'absent' && key.kind !== 'encrypted' ? [`${key.file} (${key.kind.unsupported})`] : [])),
  };
}

type KeyKind = 'usable' | 'absent' | 'encrypted' | { unsupported: string };

const kinds = new Map<string, Promise<KeyKind>>();

/** What the built-in client can do with a private key file; read once per process. */
function keyKind(file: string): Promise<KeyKind> {
  let kind = kinds.get(file);
  if (!kind) {
    kind = readFile(file).then(
      (data): KeyKind => {
        const parsed = ssh2.utils.parseKey(data);
        if (!(parsed instanceof Error)) return 'usable';
        const type = /^Unsupported .*key type: (\S+)/.exec(parsed.message);
        // Anything else (a passphrase, a format it cannot read) is the agent's job, as for the built-in client.
        return type ? { unsupported: type[1] as string } : 'encrypted';
      },
      (): KeyKind => {
        // Not cached: out of descriptors now is not "no key" later.
        kinds.delete(file);
        return 'absent';
      },
    );
    kinds.set(file, kind);
  }
  return kind;
}

async function exists(file: string): Promise<boolean> {
  try {
    await access(file);
    return true;
  } catch {
    return false;
  }
}
