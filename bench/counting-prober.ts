/** A prober that counts the samples it answered: benchmarks divide CPU by samples, not by ticks. */
import type { Prober } from '../src/probe/prober.js';

export function counting(prober: Prober): { prober: Prober; count: () => number } {
  let answered = 0;
  return {
    prober: {
      sample: async (host, requests, signal) => {
        const result = await prober.sample(host, requests, signal);
        answered++;
        return result;
      },
      close: () => prober.close(),
    },
    count: () => answered,
  };
}
