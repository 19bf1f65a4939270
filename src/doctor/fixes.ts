/**
 * One line on how to fix a failed connection, by what went wrong. Host-key
 * fixes name the exact commands (see host-key-fix.ts); these are the rest.
 */
import type { HostError } from '../errors.js';
import type { SshSettings } from '../transport/ssh-settings.js';

export function fixFor(error: HostError, settings: SshSettings, timeoutMs: number): string {
  const where = `${settings.hostname}:${settings.port}`;
  switch (error.status) {
    case 'refused':
      return `nothing listens on ${where}: is sshd running there, on port ${settings.port} (Port in the ssh config)?`;
    case 'dns':
      return `check the host name (HostName in the ssh config) and DNS: getent hosts ${settings.hostname}`;
    case 'unreachable':
      return `check the address, the route and any firewall between here and ${where}`;
    case 'timeout':
      return `nothing answered within ${timeoutMs / 1000} s: a firewall may drop the packets, or the host is down (raise --timeout if it is just far)`;
    case 'auth':
      return `add your public key to the authorized_keys of ${settings.user} on the host (ssh-copy-id), or load the key into ssh-agent (ssh-add)`;
    default:
      return `try: ssh -v ${settings.user}@${settings.hostname} -p ${settings.port}`;
  }
}
