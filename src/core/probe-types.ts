/**
 * What pvlook asks a host about its logs and what a host answers, as plain
 * data. The core computes rates from these shapes; probe/wire.ts carries
 * them over the wire.
 */

/** One log to probe, with where pvlook's last reading of it ended (if anywhere). */
export interface ProbeRequest {
  path: string;
  /** file identity and offset of the previous reading; null on the first sample or after a failure */
  previous: { fileId: string; offset: number } | null;
  /**
   * When the previous reading was taken, on the host's own clock: a file that
   * came into being after it is new, and counted from its first line.
   */
  since?: HostTime;
  /** for a glob: where the previous reading of each file it matched ended, by path */
  files?: readonly { path: string; fileId: string; offset: number }[];
  /** POSIX extended regular expressions to count matching lines of, among the new ones */
  patterns?: readonly string[];
}

/** A time as the host told it: which clock, and its seconds. */
export interface HostTime {
  clock: RemoteClock;
  seconds: number;
}

/** Why a reading has no count: nothing to compare with yet, or the count could not be trusted. */
export type BaselineReason = 'first' | 'rotated' | 'truncated' | 'partial';

export type LogProbe =
  /**
   * The file (identity "inode:birth-time", or the inode where the host cannot
   * tell the birth time) and where the next count starts. `newLines` counts
   * the lines appended since the previous reading, or is null with a reason.
   * With patterns, `matches` holds one count per pattern (whole lines only).
   */
  | {
      kind: 'ok';
      fileId: string;
      offset: number;
      newLines: number;
      matches?: number[];
      /**
       * The count spans a switch of files since the previous reading (the
       * file held then was read to its end, and the one now at the path,
       * provably newer than that reading, from its first line): exact,
       * though the identity changed.
       */
      switched?: true;
    }
  | { kind: 'ok'; fileId: string; offset: number; newLines: null; reason: BaselineReason }
  | { kind: 'missing' }
  | { kind: 'unreadable' }
  /** the host's tools refused (e.g. awk rejected a pattern): their own words */
  | { kind: 'error'; message: string }
  /** a glob: every file it matched, each probed on its own */
  | { kind: 'files'; files: { path: string; probe: LogProbe }[] };

/** Which clock the host read: its uptime (monotonic), its wall clock, or none (pvlook times the sample). */
export type RemoteClock = 'up' | 'wall';

export interface ProbeResult {
  /** seconds on the host's clock, or null when it has neither /proc/uptime nor a sub-second `date` */
  remoteTime: number | null;
  clock: RemoteClock | null;
  /** the step of that clock in seconds, from the digits it printed (0.01 for uptime) */
  resolution?: number;
  logs: LogProbe[];
}
