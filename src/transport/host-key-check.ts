/**
 * Host-key verification for ssh2, as OpenSSH does it: the key the server
 * offers must be listed for that host in a known_hosts file. ssh2 accepts any
 * key unless told otherwise, and its verifier is not told the host name, so
 * one checker is built per host (and per jump host).
 */
import { createHash } from 'node:crypto';
import { hostKeyAlgorithmsFor, judgeHostKey, keysForHost, knownHostsName, verdictOrigin, type KeyVerdict, type LineOrigin } from '../core/known-hosts.js';
import { readKnownHosts, recordHostKey } from './known-hosts-store.js';
import type { SshSettings } from './ssh-settings.js';

/** A host key --accept-new recorded, for telling the user which key went into which file. */
export interface RecordedKey {
  /** the host as the user named it */
  host: string;
  /** the name it was recorded under (HostKeyAlias, or [host]:port) */
  name: string;
  keyType: string;
  /** SHA256 fingerprint, when the client says it (OpenSSH does not) */
  fingerprint: string | null;
  /** the known_hosts file, when the client says it (OpenSSH records in the first UserKnownHostsFile) */
  file: string | null;
}

export interface HostKeyCheck {
  /** the name looked up in known_hosts */
  name: string;
  /** host-key algorithms to offer: only types we hold a key for, so the server cannot pick one we cannot check */
  algorithms: string[];
  verify: (key: Buffer) => boolean;
  /** what the last verify() decided, to explain a refused handshake */
  verdict: () => HostKeyVerdict | null;
}

export interface HostKeyVerdict {
  verdict: KeyVerdict | 'recorded';
  keyType: string;
  fingerprint: string;
  /** the known_hosts line behind the verdict (see verdictOrigin); null for a key just recorded */
  origin: LineOrigin | null;
}

/**
 * @param acceptNew record a key for a host that has none on file (like
 *   StrictHostKeyChecking=accept-new); a changed or revoked key is refused regardless
 */
export async function buildHostKeyCheck(settings: SshSettings, acceptNew: boolean, onRecorded?: (key: Omit<RecordedKey, 'host'>) => void): Promise<HostKeyCheck> {
  const lines = await readKnownHosts(settings.knownHostsFiles);
  const name = settings.hostKeyAlias ?? knownHostsName(settings.hostname, settings.port);
  const keys = keysForHost(lines, name);
  let last: ReturnType<HostKeyCheck['verdict']> = null;
  return {
    name,
    algorithms: hostKeyAlgorithmsFor(keys.trusted.map((entry) => entry.keyType)),
    verify: (key) => {
      const offered = key.toString('base64');
      const keyType = keyTypeOf(key);
      const verdict = judgeHostKey(keys, offered);
      // UserKnownHostsFile none leaves nowhere to record, as in OpenSSH; never a global file.
      const userFile = (settings.userKnownHostsFiles ?? settings.knownHostsFiles)[0];
      if (verdict === 'unknown' && acceptNew && userFile !== undefined && recorded(userFile, name, keyType, offered, settings.hashKnownHosts)) {
        last = { verdict: 'recorded', keyType, fingerprint: fingerprintOf(key), origin: null };
        onRecorded?.({ name, keyType, fingerprint: last.fingerprint, file: userFile });
        return true;
      }
      last = { verdict, keyType, fingerprint: fingerprintOf(key), origin: verdictOrigin(keys, offered) };
      return verdict === 'trusted';
    },
    verdict: () => last,
  };
}

/** Record a new key; a file pvlook may not write leaves the key unknown, and the host refused. */
function recorded(file: string, name: string, keyType: string, key: string, hash: boolean): boolean {
  try {
    recordHostKey(file, name, keyType, key, hash);
    return true;
  } catch {
    return false;
  }
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
