/**
 * Work behind one of pvlook's own limits (handshakes per destination and
 * fleet-wide, logins per destination): while it waits for a slot, the
 * caller is told (QueueHold), so the wait is never counted as the host's.
 */
import type pLimit from 'p-limit';
import type { QueueHold } from './transport.js';

type Limit = ReturnType<typeof pLimit>;

/** Run `work` under `limit`; if it has to wait for a slot, `hold` the caller meanwhile, saying `why`. */
export function whenFree<T>(limit: Limit, hold: QueueHold | undefined, why: (ahead: number) => string, work: () => Promise<T>): Promise<T> {
  // p-limit starts queued work a microtask later, so work queued in this same turn counts as ahead too.
  const ahead = limit.activeCount + limit.pendingCount;
  let release = hold && ahead >= limit.concurrency ? hold(why(ahead)) : null;
  return limit(() => {
    release?.();
    release = null;
    return work();
  }).finally(() => release?.());
}
