/**
 * known_hosts files on disk: read once and re-read only when they change, so
 * a fleet of thousands does not parse the same file thousands of times; and
 * appended to only when the user opted in to recording new keys.
 */
import { createHmac, randomBytes } from 'node:crypto';
import { readFile, stat } from 'node:fs/promises';
import { appendPrivateLine } from '../files/safe-write.js';
import { parseKnownHosts, type KnownHostLine } from '../core/known-hosts.js';

const cache = new Map<string, { mtimeMs: number; size: number; lines: KnownHostLine[] }>();

export async function readKnownHosts(files: readonly string[]): Promise<KnownHostLine[]> {
  const all = await Promise.all(files.map(readOne));
  return all.flat();
}

async function readOne(file: string): Promise<KnownHostLine[]> {
  try {
    const info = await stat(file);
    const cached = cache.get(file);
    if (cached && cached.mtimeMs === info.mtimeMs && cached.size === info.size) return cached.lines;
    const lines = parseKnownHosts(await readFile(file, 'utf8'), file);
    cache.set(file, { mtimeMs: info.mtimeMs, size: info.size, lines });
    return lines;
  } catch (error) {
    // A missing or unreadable known_hosts file simply lists no keys, as in OpenSSH;
    // anything else (out of file descriptors) must not pass for "no key on file".
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR' || code === 'EACCES' || code === 'EISDIR') return [];
    throw error;
  }
}

/**
 * Record a host key the way `StrictHostKeyChecking=accept-new` does: one line
 * appended to the user's known_hosts, with the name hashed when `hash` is set
 * (OpenSSH's HashKnownHosts). Throws if the file's folder is not private
 * to the user (see appendPrivateLine); a device such as /dev/null takes nothing.
 */
export function recordHostKey(file: string, name: string, keyType: string, key: string, hash: boolean): void {
  const written = hash ? hashedName(name) : name;
  appendPrivateLine(file, `${written} ${keyType} ${key}`);
  cache.delete(file);
}

function hashedName(name: string): string {
  const salt = randomBytes(20);
  return `|1|${salt.toString('base64')}|${createHmac('sha1', salt).update(name).digest('base64')}`;
}
