/**
 * Guessing the token is slow: each client address may fail `burst` times,
 * then once per `refillMs` (a token bucket). While its bucket is empty the
 * address is answered 429 before any token is checked, a right one included,
 * so a guesser learns nothing faster than the refill. Memory is bounded: full
 * buckets are forgotten, and at most `maxAddresses` are kept (the oldest
 * dropped first). Pure: the clock comes in as an argument.
 */
export interface ThrottleOptions {
  burst?: number;
  refillMs?: number;
  maxAddresses?: number;
}

interface Bucket {
  /** failures still allowed, fractional while refilling */
  left: number;
  /** ms of the last update */
  at: number;
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
    const bucket = this.refilled(address, nowMs);
    if (bucket === null || bucket.left >= 1) return 0;
    return Math.max(1, Math.ceil(((1 - bucket.left) * this.refillMs) / 1000));
  }

  /** One failed attempt from this address. */
  failed(address: string, nowMs: number): void {
    const bucket = this.refilled(address, nowMs) ?? { left: this.burst, at: nowMs };
    bucket.left = Math.max(0, bucket.left - 1);
    // Re-inserted, so the map's order is least recently failed first.
    this.buckets.delete(address);
    this.buckets.set(address, bucket);
    if (this.buckets.size > this.maxAddresses) this.buckets.delete(this.buckets.keys().next().value!);
  }

  /** How many addresses are remembered (for tests). */
  get size(): number {
    return this.buckets.size;
  }

  private refilled(address: string, nowMs: number): Bucket | null {
    const bucket = this.buckets.get(address);
    if (!bucket) return null;
    bucket.left = Math.min(this.burst, bucket.left + Math.max(0, nowMs - bucket.at) / this.refillMs);
    bucket.at = nowMs;
    if (bucket.left >= this.burst) {
      this.buckets.delete(address);
      return null;
    }
    return bucket;
  }
}
