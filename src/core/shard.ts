/**
 * Split a fleet across n pvlook instances: each host belongs to exactly one
 * shard, decided by a hash of its name, so adding or removing hosts (or
 * listing them in another order) never moves the others.
 */
export interface Shard {
  /** 1-based */
  index: number;
  count: number;
}

export function parseShard(text: string): Shard | null {
  const match = /^\s*(\d+)\s*\/\s*(\d+)\s*$/.exec(text);
  if (!match) return null;
  const index = Number(match[1]);
  const count = Number(match[2]);
  return count >= 1 && index >= 1 && index <= count && count <= 10_000 ? { index, count } : null;
}

/**
 * The shard of a 0-based ordinal out of `count`, as a StatefulSet numbers its
 * pods: ordinal k is shard k+1. The ordinal may also be a pod name ending in
 * `-k` (`pvlook-2`), so `metadata.name` works where the pod-index label does not.
 */
export function shardFromOrdinal(ordinal: string, count: string): Shard | null {
  const k = /^\s*(?:\S+-)?(\d+)\s*$/.exec(ordinal);
  if (!k || !/^\s*\d+\s*$/.test(count)) return null;
  return parseShard(`${Number(k[1]) + 1}/${Number(count)}`);
}

export function inShard(host: string, shard: Shard): boolean {
  return fnv1a(host) % shard.count === shard.index - 1;
}

/** 32-bit FNV-1a: tiny, fast, and well spread over short similar names like web001…web999. */
function fnv1a(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash;
}
