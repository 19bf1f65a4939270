/**
 * One ssh_config naming hosts of several test sshd servers (each with its own
 * host key), with one known_hosts file holding all their keys: a fleet whose
 * servers can fail one at a time.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Sshd } from './sshd.js';

/** @param hosts alias, server, and which of the server's addresses */
export function joinedSshConfig(dir: string, name: string, hosts: readonly [alias: string, sshd: Sshd, address: number][]): string {
  const servers = [...new Set(hosts.map(([, sshd]) => sshd))];
  const knownHosts = path.join(dir, `known_hosts.${name}`);
  writeFileSync(knownHosts, servers.map((sshd) => readFileSync(sshd.knownHosts, 'utf8')).join(''));
  const block = ([alias, sshd, i]: (typeof hosts)[number]) =>
    [`Host ${alias}`, `  HostName ${sshd.addresses[i]}`, `  Port ${sshd.port}`, `  User ${sshd.user}`, `  IdentityFile ${path.join(sshd.dir, 'id_ed25519')}`].join('\n');
  const config = path.join(dir, `ssh_config.${name}`);
  writeFileSync(config, [...hosts.map(block), 'Host *', `  UserKnownHostsFile ${knownHosts}`, '  GlobalKnownHostsFile /dev/null'].join('\n') + '\n');
  return config;
}
