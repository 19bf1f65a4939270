/**
 * Step 4's words: which known_hosts line vouched for the host's key, or why
 * none did, with the exact commands that fix it (the ones OpenSSH users know:
 * ssh-keyscan to add a key, ssh-keygen -R to remove a stale one).
 */
import type { LineOrigin } from '../core/known-hosts.js';
import type { HostKeyVerdict } from '../transport/host-key-check.js';
import type { SshSettings } from '../transport/ssh-settings.js';
import { addKeyCommand, removeKeyCommand, userKnownHostsFile } from '../transport/host-key-fix.js';
import { failed, passed, type StepResult } from './step.js';

export function hostKeyStep(verdict: HostKeyVerdict, name: string, settings: SshSettings, ms: number | null): StepResult {
  const offered = `${verdict.keyType} ${verdict.fingerprint}`;
  const took = ms === null ? '' : ` (handshake ${ms} ms)`;
  switch (verdict.verdict) {
    case 'trusted':
      return passed('handshake', `${offered}, vouched for by ${where(verdict.origin)}${took}`);
    case 'recorded':
      return passed('handshake', `${offered}, new: recorded in ${userKnownHostsFile(settings) ?? 'no file (UserKnownHostsFile none)'} (--accept-new)${took}`);
    case 'revoked':
      return failed('handshake', `host key ${offered} for ${name} is revoked (${where(verdict.origin)})`, 'the host needs a new host key (ssh refuses a revoked one too): ask its administrator');
    case 'changed':
      return failed(
        'handshake',
        `HOST KEY CHANGED for ${name}: it offers ${offered}, ${where(verdict.origin)} holds another key`,
        `only if the host was reinstalled (check ${verdict.fingerprint} with its administrator): ${removeKeyCommand(name, verdict.origin, settings)}, then ${addKeyCommand(verdict.keyType, name, settings)}; otherwise do not connect, this may be an attack`,
      );
    case 'unknown':
      return failed(
        'handshake',
        `host key ${offered} for ${name} is in no known_hosts file (${settings.knownHostsFiles.join(', ') || 'none configured'})`,
        `if ${verdict.fingerprint} is the host's key (on the host: ssh-keygen -lf /etc/ssh/ssh_host_${keyFileType(verdict.keyType)}_key.pub), add it: ${addKeyCommand(verdict.keyType, name, settings)}`,
      );
  }
}

function where(origin: LineOrigin | null): string {
  return origin === null ? 'known_hosts' : `${origin.file}:${origin.line}`;
}

/** The host key file's name for a key type, as sshd installs them. */
function keyFileType(keyType: string): string {
  if (keyType === 'ssh-ed25519') return 'ed25519';
  if (keyType.startsWith('ecdsa-')) return 'ecdsa';
  if (keyType === 'ssh-rsa' || keyType.startsWith('rsa-')) return 'rsa';
  return '*';
}
