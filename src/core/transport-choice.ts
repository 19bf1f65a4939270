/**
 * Which SSH client reaches a host. The built-in client (ssh2) is the cheap
 * default: no process per host, connections shared through bastions. Some
 * settings only OpenSSH can honour; with `auto`, a host whose settings ask
 * for one of them gets the system `ssh` instead, and the reason is kept so
 * that the user (and `pvlook doctor`) can see why.
 */

/** What the user asked for: a client, or pvlook's choice per host. */
export type TransportMode = 'auto' | 'builtin' | 'openssh';
export const TRANSPORT_MODES: readonly TransportMode[] = ['auto', 'builtin', 'openssh'];

export interface TransportChoice {
  transport: 'builtin' | 'openssh';
  /** one short line: what made the choice */
  why: string;
}

/** What decides it, gathered from a host's `ssh -G` settings and the files they name. */
export interface TransportFacts {
  /** the ProxyCommand, if any */
  proxyCommand: string | null;
  /** user certificates ssh would present: CertificateFile, and `<IdentityFile>-cert.pub` files that exist */
  certificates: string[];
  /** how known_hosts vouches for the host: plain keys, only a `@cert-authority` line, or not at all */
  knownHosts: 'keys' | 'cert-authority' | 'none';
  gssapiAuthentication: boolean;
  /** an agent, or an IdentityFile the built-in client can read (unencrypted, of a type it knows) */
  usableKey: boolean;
  /** IdentityFiles of a type the built-in client cannot use (e.g. FIDO `sk-` keys), as "file (type)" */
  unusableKeys: string[];
  /** host-key settings the built-in client does not read (RevokedHostKeys, KnownHostsCommand), as "Setting value" */
  hostKeySources?: string[];
}

export function chooseTransport(facts: TransportFacts): TransportChoice {
  const openssh = (why: string): TransportChoice => ({ transport: 'openssh', why });
  if (facts.proxyCommand !== null) return openssh(`ProxyCommand ${facts.proxyCommand}`);
  // Checking the host key with less than the user's own policy is never an option.
  if (facts.hostKeySources && facts.hostKeySources.length > 0) return openssh(`${facts.hostKeySources[0]} (read by OpenSSH only)`);
  if (facts.knownHosts === 'cert-authority') return openssh('host key trusted only through @cert-authority in known_hosts');
  if (facts.certificates.length > 0) return openssh(`user certificate ${facts.certificates[0]}`);
  if (!facts.usableKey && facts.unusableKeys.length > 0) return openssh(`key type the built-in client cannot use: ${facts.unusableKeys.join(', ')}`);
  if (!facts.usableKey && facts.gssapiAuthentication) return openssh('GSSAPIAuthentication yes and no key the built-in client can use');
  return { transport: 'builtin', why: 'nothing in its settings needs OpenSSH' };
}

/** The choice when the user named a client: no settings needed. */
export function namedChoice(mode: 'builtin' | 'openssh'): TransportChoice {
  return { transport: mode, why: `transport ${mode} was asked for` };
}
