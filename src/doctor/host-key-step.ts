/**
 * Step 4's words: which known_hosts line vouched for the host's key, or why
 * none did, with the exact commands that fix it (the ones OpenSSH users know:
 * ssh-keyscan to add a key, ssh-keygen -R to remove a stale one).
 */
import type { LineOrigin } from '../core/known-hosts.js';
import type { HostKeyVerdict } from '../transport/host-key-check.js';
import type { SshSettings } from '../transport/ssh-settings.js';
import { shQuote } from '../probe/shell-quote.js';
import { failed, passed, type StepResult } from './step.js';

export function hostKeyStep(verdict: HostKeyVerdict, name: string, settings: SshSettings, ms: number | null): StepResult {
  const offered = `${verdict.keyType} ${verdict.fingerprint}`;
  const took = ms === null ? '' : ` (handshake ${ms} ms)`;
  switch (verdict.verdict) {
    case 'trusted':
      return passed('handshake', `${offered}, vouched for by ${where(verdict.origin)}${took}`);
    case 'recorded':
      return passed('handshake', `${offered}, new: recorded in ${userFile(settings)} (--accept-new)${took}`);
    case 'revoked':
      return failed('handshake', `host key ${offered} for ${name} is revoked (${where(verdict.origin)})`, 'the host needs a new host key (ssh refuses a revoked one too): ask its administrator');
    case 'changed':
      return failed(
        'handshake',
        `HOST KEY CHANGED for ${name}: it offers ${offered}, ${where(verdict.origin)} holds another key`,
        `only if the host was reinstalled (check ${verdict.fingerprint} with its administrator): ${removeCommand(name, verdict.origin, settings)}, then ${addCommand(verdict.keyType, name, settings)}; otherwise do not connect, this may be an attack`,
      );
    case 'unknown':
      return failed(
        'handshake',
        `host key ${offered} for ${name} is in no known_hosts file (${settings.knownHostsFiles.join(', ') || 'none configured'})`,
        `if ${verdict.fingerprint} is the host's key (on the host: ssh-keygen -lf /etc/ssh/ssh_host_${keyFileType(verdict.keyType)}_key.pub), add it: ${addCommand(verdict.keyType, name, settings)}`,
      );
  }
}

function where(origin: LineOrigin | null): string {
  return origin === null ? 'known_hosts' : `${origin.file}:${origin.line}`;
}

function userFile(settings: SshSettings): string {
  return settings.knownHostsFiles[0] ?? '~/.ssh/known_hosts';
}

/** ssh-keyscan writes the host as it reached it ([host]:port off port 22); a HostKeyAlias must replace that name. */
function addCommand(keyType: string, name: string, settings: SshSettings): string {
  const scan = `ssh-keyscan -p ${settings.port} -t ${keyType} ${word(settings.hostname)}`;
  const rename = settings.hostKeyAlias !== null ? ` | sed ${shQuote(`s/^[^ ]* /${name.replaceAll('/', '\\/')} /`)}` : '';
  return `${scan}${rename} >> ${word(userFile(settings))}`;
}

function removeCommand(name: string, origin: LineOrigin | null, settings: SshSettings): string {
  return `ssh-keygen -R ${word(name)} -f ${word(origin?.file ?? userFile(settings))}`;
}

/** A word as typed: bare when no shell would read it differently, quoted otherwise. */
function word(text: string): string {
  return /^[A-Za-z0-9_./:@%+=,-]+$/.test(text) ? text : shQuote(text);
}

/** The host key file's name for a key type, as sshd installs them. */
function keyFileType(keyType: string): string {
  if (keyType === 'ssh-ed25519') return 'ed25519';
  if (keyType.startsWith('ecdsa-')) return 'ecdsa';
  if (keyType === 'ssh-rsa' || keyType.startsWith('rsa-')) return 'rsa';
  return '*';
}
