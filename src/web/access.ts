/**
 * Who may read the web view. Without a token (loopback only) any request from
 * this machine is served, as long as its Host header names loopback: that
 * stops a web page on another origin from reading the fleet through DNS
 * rebinding. With a token, every request must carry it: as a Bearer header
 * (scripts, Prometheus), or in a cookie that `?token=` sets once (a wall
 * screen's browser cannot send headers).
 */
import { timingSafeEqual, createHash } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

export type Access =
  | { kind: 'allowed' }
  /** the right token arrived in the query: set the cookie and redirect to the URL without it */
  | { kind: 'remember'; location: string; cookie: string }
  /** `guess`: a token came and was wrong (what the throttle counts), not merely missing; `given`: that wrong value */
  | { kind: 'denied'; reason: string; guess?: boolean; given?: string };

/** A year and a bit: browsers cap cookies at 400 days; a wall screen should not ask again every morning. */
const COOKIE_MAX_AGE_S = 400 * 24 * 3600;

/** Cookies are not scoped by port: two pvlook instances on one machine need different names. */
export const cookieName = (port: number) => `pvlook_token_${port}`;

/** Compare digests so neither the length nor the contents leak through timing. */
export function sameToken(given: string, expected: string): boolean {
  const a = createHash('sha256').update(given).digest();
  const b = createHash('sha256').update(expected).digest();
  return timingSafeEqual(a, b);
}

export function readCookie(header: string | undefined, name: string): string | null {
  if (!header) return null;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return null;
}

const LOOPBACK_HOST = /^(?:localhost|127(?:\.\d{1,3}){3}|\[::1\])(?::\d{1,5})?$/i;

export function checkAccess(request: Pick<IncomingMessage, 'headers' | 'url'>, token: string | null, port: number, routes: ReadonlySet<string>): Access {
  const url = new URL(request.url ?? '/', 'http://pvlook.invalid');
  if (token === null) {
    const host = request.headers.host ?? '';
    return LOOPBACK_HOST.test(host) ? { kind: 'allowed' } : { kind: 'denied', reason: `Host ${JSON.stringify(host.slice(0, 100))} is not a loopback name` };
  }
  // Only a Bearer header is ours: a browser's stale Basic credentials must not hide a good cookie.
  const bearer = /^Bearer +(\S+)\s*$/i.exec(request.headers.authorization ?? '');
  if (bearer) return sameToken(bearer[1]!, token) ? { kind: 'allowed' } : { kind: 'denied', reason: 'wrong bearer token', guess: true, given: bearer[1]! };
  const queried = url.searchParams.get('token');
  if (queried !== null) {
    if (!sameToken(queried, token)) return { kind: 'denied', reason: 'wrong token', guess: true, given: queried };
    url.searchParams.delete('token');
    // Only our own paths: a crafted "//elsewhere" must not become an open redirect.
    const path = routes.has(url.pathname) ? url.pathname : '/';
    return {
      kind: 'remember',
      location: path + url.search,
      cookie: `${cookieName(port)}=${token}; HttpOnly; SameSite=Strict; Path=/; Max-Age=${COOKIE_MAX_AGE_S}`,
    };
  }
  const cookie = readCookie(request.headers.cookie, cookieName(port));
  if (cookie === null) return { kind: 'denied', reason: 'no token' };
  return sameToken(cookie, token) ? { kind: 'allowed' } : { kind: 'denied', reason: 'wrong token in the cookie', guess: true, given: cookie };
}
