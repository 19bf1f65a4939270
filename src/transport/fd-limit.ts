/**
 * Every SSH connection is a file descriptor. Node already raises its soft
 * limit to the hard one at start; if even that is too low for the fleet, say
 * so up front, with what to do, rather than fail host by host with EMFILE.
 */
import { readFileSync } from 'node:fs';

/** Descriptors pvlook needs besides one per connection: stdio, the event loop, files it reads. */
const HEADROOM = 64;

/** The open-files limit of this process, or null where /proc is not there to ask. */
export function openFilesLimit(limits = readProcLimits()): number | null {
  const line = limits?.split('\n').find((row) => row.startsWith('Max open files'));
  const soft = line?.split(/\s{2,}/)[1];
  return soft === undefined || soft === 'unlimited' || !/^\d+$/.test(soft) ? null : Number(soft);
}

/** A warning for the user, or null when the limit is enough for `connections`. */
export function fdLimitWarning(connections: number, limit: number | null): string | null {
  if (limit === null || connections + HEADROOM <= limit) return null;
  return (
    `watching ${connections} hosts needs about ${connections + HEADROOM} open files, but this process may open only ${limit}: ` +
    `hosts beyond that will fail. Raise the limit first, e.g. ulimit -n ${Math.max(connections * 2, 1024)} (and the hard limit in /etc/security/limits.conf if needed).`
  );
}

/** How many connections fit under the limit, leaving pvlook its headroom; null for no known limit. */
export function connectionBudget(limit: number | null): number | null {
  return limit === null ? null : Math.max(1, limit - HEADROOM);
}

function readProcLimits(): string | null {
  try {
    return readFileSync('/proc/self/limits', 'utf8');
  } catch {
    return null;
  }
}
