/**
 * Delay before retrying a host that failed `failures` times in a row:
 * exponential, capped, with full jitter so a fleet that failed together does
 * not retry in lockstep. `random` is injected to keep this pure.
 */
export function retryDelayMs(failures: number, random: number, baseMs = 1000, maxMs = 60_000): number {
  if (failures <= 0) return 0;
  const ceiling = Math.min(maxMs, baseMs * 2 ** Math.min(failures - 1, 30));
  return Math.round(ceiling / 2 + (ceiling / 2) * random);
}
