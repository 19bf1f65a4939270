/**
 * Resolve a host's SSH settings the way `ssh` itself does, by asking OpenSSH:
 * `ssh -G` prints the final settings after Include, Match, Host wildcards and
 * token expansion, in a few milliseconds, and never connects.
 */
import { execFile } from 'node:child_process';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import pLimit from 'p-limit';
import type { HostSpec } from '../core/host-spec.js';
import { isOutOfFiles } from './out-of-files.js';

const run = promisify(execFile);

export interface SshSettings {
  hostname: string;
  port: number;
  user: string;
  identityFiles: string[];
  /** every known_hosts file to read: the user's, then the global ones ("none" names none) */
  knownHostsFiles: string[];
  /** the user's own known_hosts files (UserKnownHostsFile): a new key is recorded in the first (absent: the first of knownHostsFiles) */
  userKnownHostsFiles?: string[];
  /** IdentityAgent as ssh -G prints it: "none", "SSH_AUTH_SOCK", "$VAR" or a socket path (absent: SSH_AUTH_SOCK) */
  identityAgent?: string;
  /** IdentitiesOnly yes: only keys named by IdentityFile, also from the agent */
  identitiesOnly?: boolean;
  /** name to look up in known_hosts instead of the host name */
  hostKeyAlias: string | null;
  /** a ProxyJump value other than "none": comma-separated jump hosts, first hop first */
  proxyJump: string | null;
  /** a ProxyCommand other than "none" (only OpenSSH runs it; the built-in client refuses) */
  proxyCommand: string | null;
  /** CertificateFile values: user certificates, which only OpenSSH presents (absent: none) */
  certificateFiles?: string[];
  /** GSSAPIAuthentication yes: Kerberos logins, which only OpenSSH does (absent: no) */
  gssapiAuthentication?: boolean;
  /**
   * Host-key sources only OpenSSH reads: a RevokedHostKeys file (a KRL), a
   * KnownHostsCommand, and known_hosts paths with spaces (ssh -G prints them
   * unquoted, so pvlook cannot tell where one ends). The built-in client
   * checks plain known_hosts files only, so a host with any of them goes
   * through OpenSSH, and `transport builtin` refuses it.
   */
  hostKeySourcesOnlyOpenSshReads?: string[];
  /** OpenSSH's HashKnownHosts: hash names of keys we record */
  hashKnownHosts: boolean;
}

export type SettingsResolver = (spec: HostSpec) => Promise<SshSettings>;

/** Parse `ssh -G` output. Keys are lower case; some (identityfile) repeat. */
export function parseSshG(text: string, home: string): SshSettings {
  const values = new Map<string, string[]>();
  for (const line of text.split('\n')) {
    const space = line.indexOf(' ');
    if (space <= 0) continue;
    const key = line.slice(0, space).toLowerCase();
    values.set(key, [...(values.get(key) ?? []), line.slice(space + 1).trim()]);
  }
  const one = (key: string) => values.get(key)?.[0];
  const files = (key: string) => (values.get(key) ?? []).flatMap((value) => value.split(/\s+/)).filter(Boolean).map((file) => expandHome(file, home));
  // "none" is OpenSSH's word for no file at all, not a file named none.
  const knownHosts = (key: string) => files(key).filter((file) => file !== 'none');
  const proxyJump = one('proxyjump');
  const proxyCommand = one('proxycommand');
  const port = Number(one('port') ?? 22);
  return {
    hostname: one('hostname') ?? '',
    port: Number.isInteger(port) && port > 0 ? port : 22,
    user: one('user') ?? os.userInfo().username,
    identityFiles: files('identityfile'),
    knownHostsFiles: [...knownHosts('userknownhostsfile'), ...knownHosts('globalknownhostsfile')],
    userKnownHostsFiles: knownHosts('userknownhostsfile'),
    ...(one('identityagent') !== undefined ? { identityAgent: one('identityagent') } : {}),
    identitiesOnly: one('identitiesonly') === 'yes',
    hostKeyAlias: one('hostkeyalias') ?? null,
    proxyJump: proxyJump && proxyJump !== 'none' ? proxyJump : null,
    proxyCommand: proxyCommand && proxyCommand !== 'none' ? proxyCommand : null,
    certificateFiles: files('certificatefile'),
    gssapiAuthentication: one('gssapiauthentication') === 'yes',
    hostKeySourcesOnlyOpenSshReads: [
      ...(['revokedhostkeys', 'knownhostscommand'] as const).flatMap((key) => {
        const value = one(key);
        return value && value !== 'none' ? [`${key === 'revokedhostkeys' ? 'RevokedHostKeys' : 'KnownHostsCommand'} ${value}`] : [];
      }),
      ...(['userknownhostsfile', 'globalknownhostsfile'] as const).flatMap((key) => {
        const value = one(key);
        return value !== undefined && ambiguousPaths(value) ? [`${key === 'userknownhostsfile' ? 'UserKnownHostsFile' : 'GlobalKnownHostsFile'} ${value} (a path with a space, or a relative one)`] : [];
      }),
    ],
    hashKnownHosts: one('hashknownhosts') === 'yes',
  };
}

/**
 * ssh -G joins a list of paths with spaces and quotes none, so a path with a
 * space in it cannot be told from two paths. OpenSSH makes every path it
 * prints absolute (~ and %d expanded): a word that is not is part of the
 * one before it. "none" stands alone.
 */
function ambiguousPaths(value: string): boolean {
  return value.split(/\s+/).filter(Boolean).some((word) => !word.startsWith('/') && !word.startsWith('~') && word !== 'none');
}

function expandHome(file: string, home: string): string {
  if (file === '~') return home;
  if (file.startsWith('~/')) return path.join(home, file.slice(2));
  return file;
}

/**
 * @param configFile like `ssh -F`; null uses ~/.ssh/config and the system config
 */
export function openSshResolver(configFile: string | null, home = os.homedir()): SettingsResolver {
  // A fleet starting up would otherwise fork one ssh per host at once (pipes for
  // each: a thousand hosts can exhaust file descriptors). ~4 ms of CPU each.
  const limit = pLimit(Math.max(2, os.availableParallelism() * 2));
  return (spec) => limit(async () => {
    const args = ['-G'];
    if (configFile !== null) args.push('-F', configFile);
    if (spec.port !== null) args.push('-p', String(spec.port));
    if (spec.user !== null) args.push('-l', spec.user);
    args.push('--', spec.host);
    try {
      const { stdout } = await run('ssh', args, { timeout: 10_000, maxBuffer: 1 << 20 });
      return parseSshG(stdout, home);
    } catch (error) {
      const err = error as NodeJS.ErrnoException & { stderr?: string };
      if (err.code === 'ENOENT') return fallbackSettings(spec, home);
      if (isOutOfFiles(error)) throw error;
      const reason = (err.stderr ?? '').trim().split('\n')[0] || err.message;
      throw new Error(`ssh config: ${reason}`, { cause: error });
    }
  });
}

/** Without an OpenSSH client installed: OpenSSH's own defaults, no config file. */
export function fallbackSettings(spec: HostSpec, home: string): SshSettings {
  const ssh = path.join(home, '.ssh');
  return {
    hostname: spec.host,
    port: spec.port ?? 22,
    user: spec.user ?? os.userInfo().username,
    identityFiles: ['id_rsa', 'id_ecdsa', 'id_ed25519'].map((name) => path.join(ssh, name)),
    knownHostsFiles: [path.join(ssh, 'known_hosts'), '/etc/ssh/ssh_known_hosts'],
    hostKeyAlias: null,
    proxyJump: null,
    proxyCommand: null,
    certificateFiles: [],
    gssapiAuthentication: false,
    hashKnownHosts: false,
  };
}
