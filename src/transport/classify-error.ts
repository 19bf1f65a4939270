/**
 * Map what ssh2 and the socket layer throw to one short, actionable HostError.
 * ssh2 marks its errors with a `level`; sockets carry an errno `code`.
 */
import { HostError } from '../errors.js';
import type { HostKeyCheck } from './host-key-check.js';
import { addKeyCommand, removeKeyCommand } from './host-key-fix.js';
import type { SshSettings } from './ssh-settings.js';
import { isOutOfFiles, tooManyOpenFiles } from './out-of-files.js';

export function classifyConnectError(error: unknown, settings: ErrorSettings, keys: HostKeyCheck): HostError {
  const err = error as Error & { level?: string; code?: string };
  const where = `${settings.hostname}:${settings.port}`;
  const { user } = settings;
  const key = keys.verdict();
  if (key !== null && key.verdict !== 'trusted') return hostKeyError(keys.name, key, settings);
  const options = { cause: error };
  switch (err.code) {
    case 'ECONNREFUSED':
      return new HostError('refused', `connection refused by ${where}`, options);
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
    case 'EAI_NONAME':
      return new HostError('dns', `cannot resolve ${where.replace(/:\d+$/, '')}`, options);
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
    case 'EHOSTDOWN':
    case 'ECONNRESET':
    case 'EPIPE':
      return new HostError('unreachable', `${where} unreachable (${err.code})`, options);
    case 'ETIMEDOUT':
      return new HostError('timeout', `no answer from ${where}`, options);
    default:
      break;
  }
  if (isOutOfFiles(error)) return tooManyOpenFiles(error);
  if (err.level === 'client-timeout') return new HostError('timeout', `no SSH handshake from ${where} in time`, options);
  if (err.level === 'client-authentication') {
    return new HostError('auth', `${user}@${where}: authentication failed (tried ssh-agent and the IdentityFile keys)`, options);
  }
  if (err.message === 'No response from server') return new HostError('unreachable', `${where} closed the connection`, options);
  if (/before handshake/i.test(err.message)) {
    // What a server at its MaxStartups limit (or a port that is not SSH) does.
    return new HostError('unreachable', `${where} closed the connection before the SSH handshake`, options);
  }
  return new HostError('error', `${where}: ${err.message}`, options);
}


type ErrorSettings = Pick<SshSettings, 'hostname' | 'port' | 'user' | 'hostKeyAlias' | 'knownHostsFiles' | 'userKnownHostsFiles'>;

function hostKeyError(name: string, key: NonNullable<ReturnType<HostKeyCheck['verdict']>>, settings: ErrorSettings): HostError {
  const offered = `${key.keyType} ${key.fingerprint}`;
  switch (key.verdict) {
    case 'changed':
      return new HostError(
        'hostkey',
        `HOST KEY CHANGED for ${name} (now ${offered}): refusing, this may be an attack. If the change is expected, remove the old key with: ${removeKeyCommand(name, key.origin, settings)}`,
      );
    case 'revoked':
      return new HostError('hostkey', `host key for ${name} is revoked in known_hosts (${offered}): refusing`);
    default:
      return new HostError('hostkey', `host key for ${name} is not known (${offered}): verify it, then add it: ${addKeyCommand(key.keyType, name, settings)}`);
  }
}
