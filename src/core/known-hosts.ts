/**
 * known_hosts, read the way OpenSSH reads it: plain and hashed (`|1|salt|hmac`)
 * names, `[host]:port` for non-default ports, `*`/`?` wildcards, `!negation`,
 * and `@revoked` keys. `@cert-authority` lines are kept apart: the built-in
 * client cannot check a host certificate, but knowing that a host is trusted
 * only through a CA tells pvlook to hand it to OpenSSH.
 */
import { createHmac } from 'node:crypto';

/** Where a known_hosts line is, so a verdict can name it as OpenSSH does (file:line). */
export interface LineOrigin {
  file: string;
  /** 1-based */
  line: number;
}

export interface KnownHostLine {
  marker: 'revoked' | 'cert-authority' | null;
  patterns: string[];
  keyType: string;
  /** base64 of the public key blob, as written in the file */
  key: string;
  origin: LineOrigin;
}

/** @param file the file the text came from, recorded in each line's origin */
export function parseKnownHosts(text: string, file = ''): KnownHostLine[] {
  const lines: KnownHostLine[] = [];
  for (const [index, raw] of text.split('\n').entries()) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    const fields = line.split(/\s+/);
    let marker: KnownHostLine['marker'] = null;
    if (fields[0]?.startsWith('@')) {
      if (fields[0] === '@revoked') marker = 'revoked';
      else if (fields[0] === '@cert-authority') marker = 'cert-authority';
      else continue;
      fields.shift();
    }
    const [hosts, keyType, key] = fields;
    if (!hosts || !keyType || !key) continue;
    lines.push({ marker, patterns: hosts.split(','), keyType, key, origin: { file, line: index + 1 } });
  }
  return lines;
}

/** Whether a `@cert-authority` line (not revoked) vouches for hosts named `name`. */
export function hasCertAuthorityFor(lines: readonly KnownHostLine[], name: string): boolean {
  const revoked = new Set(lines.filter((line) => line.marker === 'revoked').map((line) => line.key));
  return lines.some((line) => line.marker === 'cert-authority' && !revoked.has(line.key) && matchesHostList(line.patterns, name));
}

/** The name OpenSSH looks up: plain for port 22, `[host]:port` otherwise. */
export function knownHostsName(host: string, port: number): string {
  return port === 22 ? host : `[${host}]:${port}`;
}

export interface HostKeys {
  trusted: { keyType: string; key: string; origin: LineOrigin }[];
  /** revoked keys, each with the first line that revokes it */
  revoked: Map<string, LineOrigin>;
}

export function keysForHost(lines: readonly KnownHostLine[], name: string): HostKeys {
  const trusted: HostKeys['trusted'] = [];
  const revoked = new Map<string, LineOrigin>();
  for (const line of lines) {
    if (line.marker === 'revoked') {
      // OpenSSH treats a revoked key as revoked whatever host pattern it carries.
      if (!revoked.has(line.key)) revoked.set(line.key, line.origin);
    } else if (line.marker === null && matchesHostList(line.patterns, name)) {
      trusted.push({ keyType: line.keyType, key: line.key, origin: line.origin });
    }
  }
  return { trusted: trusted.filter((entry) => !revoked.has(entry.key)), revoked };
}

function matchesHostList(patterns: readonly string[], name: string): boolean {
  let matched = false;
  for (const pattern of patterns) {
    if (pattern.startsWith('|1|')) {
      if (hashedMatches(pattern, name)) matched = true;
    } else if (pattern.startsWith('!')) {
      if (globMatches(pattern.slice(1), name)) return false;
    } else if (globMatches(pattern, name)) {
      matched = true;
    }
  }
  return matched;
}

function hashedMatches(pattern: string, name: string): boolean {
  const [, , salt, hash] = pattern.split('|');
  if (!salt || !hash) return false;
  const digest = createHmac('sha1', Buffer.from(salt, 'base64')).update(name).digest('base64');
  return digest === hash;
}

function globMatches(pattern: string, name: string): boolean {
  const source = pattern
    .toLowerCase()
    .replace(/[.+^${}()|[\]\\]/g, '\\$&')
    .replaceAll('*', '.*')
    .replaceAll('?', '.');
  return new RegExp(`^${source}$`).test(name.toLowerCase());
}

export type KeyVerdict = 'trusted' | 'unknown' | 'changed' | 'revoked';

export function judgeHostKey(keys: HostKeys, offered: string): KeyVerdict {
  if (keys.revoked.has(offered)) return 'revoked';
  if (keys.trusted.some((entry) => entry.key === offered)) return 'trusted';
  return keys.trusted.length > 0 ? 'changed' : 'unknown';
}

/**
 * The line behind a verdict: the one that vouches for a trusted key, revokes
 * a revoked one, or holds the host's other key when it changed (OpenSSH's
 * "Offending key in file:line"); null when the host has no line at all.
 */
export function verdictOrigin(keys: HostKeys, offered: string): LineOrigin | null {
  return keys.revoked.get(offered) ?? keys.trusted.find((entry) => entry.key === offered)?.origin ?? keys.trusted[0]?.origin ?? null;
}

/** Host-key algorithms to offer so the server presents a key type we can check. */
export function hostKeyAlgorithmsFor(keyTypes: readonly string[]): string[] {
  const algorithms: string[] = [];
  for (const type of new Set(keyTypes)) {
    if (type === 'ssh-rsa') algorithms.push('rsa-sha2-512', 'rsa-sha2-256', 'ssh-rsa');
    else algorithms.push(type);
  }
  return algorithms;
}
