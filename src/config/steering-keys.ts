/**
 * The keys of a config file that do more than say what to watch: each can
 * run code, write a file, open something to the network, weaken host-key
 * checking or raise privileges. A file pvlook found by searching may set
 * them only if it is the user's own (see file-trust.ts); docs/security.md
 * lists them with the reason for each.
 */
import type { FileConfig } from './schema.js';

export const STEERING_KEYS = {
  sshConfig: 'names an ssh config, and ssh -G runs its Match exec commands',
  textfile: 'makes pvlook write a file',
  listen: 'opens an HTTP port',
  web: 'opens an HTTP port',
  webToken: 'sets the secret that opens the HTTP port',
  acceptNewHostKeys: 'records host keys without asking',
  transport: 'chooses the SSH client',
  sudo: 'runs the remote shell as root',
} as const satisfies Partial<Record<keyof FileConfig, string>>;

/** Keys a group may set that steer as much as the top-level ones. */
const GROUP_STEERING_KEYS = ['sudo', 'transport'] as const;

/** Every steering key the file sets, as a key path with why it steers. */
export function steeringKeysIn(config: FileConfig): { key: string; why: string }[] {
  const found: { key: string; why: string }[] = [];
  for (const [key, why] of Object.entries(STEERING_KEYS)) {
    if (config[key as keyof typeof STEERING_KEYS] !== undefined) found.push({ key, why });
  }
  for (const [name, group] of Object.entries(config.groups ?? {})) {
    for (const key of GROUP_STEERING_KEYS) {
      if (group[key] !== undefined) found.push({ key: `groups.${name}.${key}`, why: STEERING_KEYS[key] });
    }
  }
  return found;
}
