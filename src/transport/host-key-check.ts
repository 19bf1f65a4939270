/**
 * Host-key verification for ssh2, as OpenSSH does it: the key the server
 * offers must be listed for that host in a known_hosts file. ssh2 accepts any
 * key unless told otherwise, and its verifier is not told the host name, so
 * one checker is built per host.
 */
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { hostKeyAlgorithmsFor, judgeHostKey, keysForHost, knownHostsName, parseKnownHosts, type KeyVerdict } from '../core/known-hosts.js';
import type { SshSettings } from './ssh-settings.js';

export interface HostKeyCheck {
  /** the name looked up in known_hosts */
  name: string;
  /** host-key algorithms to offer: only types we hold a key for, so the server cannot pick one we cannot check */
  algorithms: string[];
  verify: (key: Buffer) => boolean;
  /** what the last verify() decided, to explain a refused handshake */
  verdict: () => { verdict: KeyVerdict; keyType: string; fingerprint: string } | null;
}

export async function buildHostKeyCheck(settings: SshSettings): Promise<HostKeyCheck> {
  const texts = await Promise.all(settings.knownHostsFiles.map((file) => readFile(file, 'utf8').catch(() => '')));
  const lines = texts.flatMap((text) => parseKnownHosts(text));
  const name = settings.hostKeyAlias ?? knownHostsName(settings.hostname, settings.port);
  const keys = keysForHost(lines, name);
  let last: ReturnType<HostKeyCheck['verdict']> = null;
  return {
    name,
    algorithms: hostKeyAlgorithmsFor(keys.trusted.map((entry) => entry.keyType)),
    verify: (key) => {
      const verdict = judgeHostKey(keys, key.toString('base64'));
      last = { verdict, keyType: keyTypeOf(key), fingerprint: fingerprintOf(key) };
      return verdict === 'trusted';
    },
    verdict: () => last,
  };
}

/** The key type is the first string in the SSH wire-format blob. */
function keyTypeOf(blob: Buffer): string {
  if (blob.length < 4) return 'unknown';
  const length = blob.readUInt32BE(0);
  return blob.subarray(4, 4 + length).toString('latin1');
}

/** OpenSSH's SHA256 fingerprint, so the user can compare with `ssh-keygen -lf`. */
function fingerprintOf(blob: Buffer): string {
  return 'SHA256:' + createHash('sha256').update(blob).digest('base64').replace(/=+$/, '');
}
