/**
 * Where pvlook's HTTP server listens, for --web and --listen alike: `port`,
 * `host:port` or `[v6]:port`. A bare port means loopback, because what it
 * serves shows the whole fleet and binding anything wider must be a
 * deliberate choice (which then needs a token). `:port` is refused with a
 * word on what to write: it used to mean every interface for --listen.
 */
import { isIP } from 'node:net';
/** An address to listen on. */
export interface ListenAddress {
  host: string;
  port: number;
}

export function parseWebAddress(text: string): ListenAddress | null {
  if (/^\s*:\d+\s*$/.test(text)) return null;
  const match = /^(?:(?:\[([0-9a-fA-F:.]+)\]|([A-Za-z0-9_.-]+)):)?(\d{1,5})$/.exec(text.trim());
  if (!match) return null;
  const port = Number(match[3]);
  if (port > 65535) return null;
  const host = match[1] ?? match[2] ?? '127.0.0.1';
  if (match[1] !== undefined && isIP(host) !== 6) return null;
  return { host, port };
}

/** What to say of an address that does not parse: `:port` gets its two meanings spelled out. */
export function addressProblem(text: string): string {
  const port = /^\s*:(\d+)\s*$/.exec(text)?.[1];
  if (port !== undefined) return `name the address: ${port} or 127.0.0.1:${port} for this machine only, 0.0.0.0:${port} for every interface (which needs a token)`;
  return 'expected [host:]port, like 8080 (loopback), 127.0.0.1:8080 or 0.0.0.0:8080';
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
