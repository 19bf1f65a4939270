/**
 * Guessing the token is slow: each client address may fail `burst` times,
 * then once per `refillMs` (a token bucket). While its bucket is empty the
 * address is answered 429 before any token is checked, a right one included,
 * so a guesser learns nothing faster than the refill (docs/web.md, "Wrong
 * tokens").
 *
 * - A wrong value the address already sent recently (a page's stale cookie
 *   retrying after the token changed, a scraper with an old token) counts
 *   once: only new guesses empty the bucket, so the owner is not locked out.
 *   Each bucket keeps the hashes of its last few wrong values.
 * - Addresses: `::ffff:a.b.c.d` is the IPv4 address; an IPv6 address counts
 *   by its /64 (one machine usually holds a whole /64).
 * - Memory is bounded: refilled buckets are forgotten, and at most
 *   `maxAddresses` are kept. A new address evicts one that is not throttled;
 *   when every bucket kept is throttled, an unknown address is treated as
 *   throttled too, so new addresses never free a guesser.
 *
 * Pure: the clock comes in as an argument.
 */
import { createHash } from 'node:crypto';
import { isIPv6 } from 'node:net';

export interface ThrottleOptions {
  burst?: number;
  refillMs?: number;
  maxAddresses?: number;
}

/** How many recent wrong values an address is remembered by. */
const RECENT_VALUES = 4;

interface Bucket {
  /** failures still allowed, fractional while refilling */
  left: number;
  /** ms of the last update */
  at: number;
  /** short hashes of the last wrong values, so a repeat is not counted again */
  recent: string[];
}

export class TokenThrottle {
  private readonly buckets = new Map<string, Bucket>();
  readonly burst: number;
  readonly refillMs: number;
  private readonly maxAddresses: number;

  constructor(options: ThrottleOptions = {}) {
    this.burst = options.burst ?? 10;
    this.refillMs = options.refillMs ?? 5000;
    this.maxAddresses = options.maxAddresses ?? 10_000;
  }

  /** Seconds this address must wait before its token is checked again, or 0 when it may try now. */
  waitSeconds(address: string, nowMs: number): number {
    const key = addressKey(address);
    const bucket = this.refilled(key, nowMs);
    if (bucket === null) return this.buckets.size >= this.maxAddresses && !this.evictOne(nowMs) ? this.secondsFor(0) : 0;
    return bucket.left >= 1 ? 0 : this.secondsFor(bucket.left);
  }

  /** One failed attempt from this address, with the wrong value it sent (a repeat of a recent one is not counted). */
  failed(address: string, nowMs: number, value?: string): void {
    const key = addressKey(address);
    let bucket = this.refilled(key, nowMs);
    if (bucket === null) {
      // Full of throttled addresses: this one is refused anyway (waitSeconds), and is not kept.
      if (this.buckets.size >= this.maxAddresses && !this.evictOne(nowMs)) return;
      bucket = { left: this.burst, at: nowMs, recent: [] };
    }
    const hash = value === undefined ? null : createHash('sha256').update(value).digest('base64').slice(0, 12);
    if (hash !== null && bucket.recent.includes(hash)) return;
    if (hash !== null) {
      bucket.recent.push(hash);
      if (bucket.recent.length > RECENT_VALUES) bucket.recent.shift();
    }
    bucket.left = Math.max(0, bucket.left - 1);
    // Re-inserted, so the map's order is least recently failed first.
    this.buckets.delete(key);
    this.buckets.set(key, bucket);
  }

  /** How many addresses are remembered (for tests). */
  get size(): number {
    return this.buckets.size;
  }

  private secondsFor(left: number): number {
    return Math.max(1, Math.ceil(((1 - left) * this.refillMs) / 1000));
  }

  /** Forget the least recently failed address that is not throttled; false when every one is. */
  private evictOne(nowMs: number): boolean {
    for (const [key, bucket] of this.buckets) {
      if (bucket.left + Math.max(0, nowMs - bucket.at) / this.refillMs >= 1) {
        this.buckets.delete(key);
        return true;
      }
    }
    return false;
  }

  private refilled(key: string, nowMs: number): Bucket | null {
    const bucket = this.buckets.get(key);
    if (!bucket) return null;
    bucket.left = Math.min(this.burst, bucket.left + Math.max(0, nowMs - bucket.at) / this.refillMs);
    bucket.at = nowMs;
    if (bucket.left >= this.burst) {
      this.buckets.delete(key);
      return null;
    }
    return bucket;
  }
}

/** What an address is counted by: IPv4 as is (an IPv4-mapped IPv6 address too), IPv6 by its /64. */
export function addressKey(address: string): string {
  const mapped = /^::ffff:(\d{1,3}(?:\.\d{1,3}){3})$/i.exec(address);
  if (mapped) return mapped[1]!;
  const bare = address.replace(/%.*$/, '');
  if (!isIPv6(bare)) return address;
  const [head = '', tail] = bare.toLowerCase().split('::');
  const front = head === '' ? [] : head.split(':');
  const back = tail === undefined || tail === '' ? [] : tail.split(':');
  // An embedded IPv4 tail sits in the last 32 bits, never in the /64.
  const groups = [...front, ...Array<string>(Math.max(0, 8 - front.length - back.length)).fill('0'), ...back];
  return `${groups
    .slice(0, 4)
    .map((group) => group.replace(/^0+(?=.)/, ''))
    .join(':')}::/64`;
}
