/**
 * One line on how to fix a failed connection, by what went wrong. Host-key
 * fixes name the exact commands (see host-key-fix.ts); these are the rest.
 */
import type { HostError } from '../errors.js';
import type { SshSettings } from '../transport/ssh-settings.js';

/**
 * After the TCP connection was accepted, silence or a hang-up is no firewall:
 * what answered is not an sshd, or an sshd refusing new logins.
 */
export function handshakeFixFor(error: HostError, settings: SshSettings, timeoutMs: number): string {
  const where = `${settings.hostname}:${settings.port}`;
  if (error.status === 'timeout') {
    return `${where} accepted the connection but sent no SSH greeting within ${timeoutMs / 1000} s: it may not be an sshd (check Port in the ssh config), or sshd is refusing new logins (MaxStartups, or a full process table); try: ssh -v ${settings.user}@${settings.hostname} -p ${settings.port}`;
  }
  if (error.status === 'unreachable') {
    return `${where} accepted the connection, then closed it before the SSH handshake: sshd may be at its MaxStartups limit, or refusing this address (sshd's log says which); try: ssh -v ${settings.user}@${settings.hostname} -p ${settings.port}`;
  }
  return fixFor(error, settings, timeoutMs);
}

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
