/**
 * Where the web view listens: `port`, `host:port` or `[v6]:port`. A bare port
 * means loopback, because the web view shows the whole fleet and binding
 * anything wider must be a deliberate choice (which then needs a token).
 */
import { isIP } from 'node:net';
import type { ListenAddress } from '../export/exporter.js';

export function parseWebAddress(text: string): ListenAddress | null {
  const match = /^(?:(?:\[([0-9a-fA-F:.]+)\]|([A-Za-z0-9_.-]+)):)?(\d{1,5})$/.exec(text.trim());
  if (!match) return null;
  const port = Number(match[3]);
  if (port > 65535) return null;
  const host = match[1] ?? match[2] ?? '127.0.0.1';
  if (match[1] !== undefined && isIP(host) !== 6) return null;
  return { host, port };
}

/** Only addresses that never leave this machine; a name other than localhost could resolve anywhere. */
export function isLoopback(host: string): boolean {
  const lower = host.toLowerCase();
  if (lower === 'localhost' || lower === '::1') return true;
  return isIP(host) === 4 && host.startsWith('127.');
}

export function formatAddress(address: ListenAddress): string {
  return `${isIP(address.host) === 6 ? `[${address.host}]` : address.host}:${address.port}`;
}
