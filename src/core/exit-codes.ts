/**
 * Every exit status pvlook can end with, and the rules that pick one, in one
 * place: the cli returns these and nothing else.
 */
import type { Snapshot } from './snapshot.js';

export const EXIT_OK = 0;
/** one or more hosts failed or are stale in the last snapshot */
export const EXIT_HOST_FAILED = 1;
/** a mistake on the command line, in the environment or in a config file */
export const EXIT_USAGE = 2;
/** an error nobody expected (a bug): distinct from 1 and 2 */
export const EXIT_INTERNAL = 70;

/** Stopped by a signal: 128 + its number, as a shell reports it. */
const SIGNAL_EXIT: Record<string, number> = { SIGHUP: 129, SIGINT: 130, SIGTERM: 143 };

/** `pvlook check` speaks the Nagios plugin codes instead. */
export const STATE_CODE = { OK: 0, WARNING: 1, CRITICAL: 2, UNKNOWN: 3 } as const;
export type CheckState = keyof typeof STATE_CODE;

/** Exit status for a finished run: 1 if the last snapshot has any host not ok. */
export function exitCodeFor(snapshot: Snapshot | null): number {
  if (snapshot === null) return EXIT_OK;
  return snapshot.total.failed + snapshot.total.stale > 0 ? EXIT_HOST_FAILED : EXIT_OK;
}

/** Exit status for a run a signal stopped. */
export function signalExitCode(signal: string): number {
  return SIGNAL_EXIT[signal] ?? EXIT_HOST_FAILED;
}
