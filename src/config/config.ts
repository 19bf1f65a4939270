/**
 * The one resolved configuration. Everything after the config step sees only
 * this: durations in milliseconds, ranges expanded, every host parsed.
 */
import type { HostSpec } from '../core/host-spec.js';
import type { TrendOptions } from '../core/trend.js';
import type { Thresholds } from '../core/check.js';
import type { PeerOptionsFor } from '../core/peers.js';
import type { ListenAddress } from './web-address.js';
import type { SessionMode } from '../core/session-mode.js';
import type { TransportMode } from '../core/transport-choice.js';
import type { WebConfig } from './web-config.js';

/** One log watched on one host, labelled with the group it came from. */
export interface Watch {
  group: string;
  log: string;
  /** named patterns (POSIX EREs) whose matching lines are counted too */
  patterns: Pattern[];
  /** for a glob: one row per matched file instead of their sum */
  split?: boolean;
  /** how the host's shell runs, as the group or file asks (a flag or PVLOOK_SESSION wins) */
  session?: SessionMode;
  /** run the host's shell through `sudo -n`, as the group or file asks (--sudo or PVLOOK_SUDO wins) */
  sudo?: boolean;
  /** which SSH client, as the group or file asks (a flag or PVLOOK_TRANSPORT wins) */
  transport?: TransportMode;
}

export interface Pattern {
  name: string;
  regex: string;
}

export interface HostPlan {
  spec: HostSpec;
  /** one long-lived shell (the default) or a new one per sample; exec if any group of the host asks for it */
  session: SessionMode;
  /**
   * true: the shell is `sudo -n /bin/sh -s` (if any group of the host asks
   * for it: one shell reads all of a host's logs). Absent means no sudo.
   */
  sudo?: boolean;
  /** which SSH client reaches it (absent: auto, the built-in one unless its settings need OpenSSH) */
  transport?: TransportMode;
  /** every log this host is watched for; one remote command covers them all */
  watches: Watch[];
}

export interface Config {
  mode: 'snapshot' | 'watch';
  json: boolean;
  color: boolean;
  /** plain ASCII symbols, for terminals where box and block characters misalign */
  ascii: boolean;
  intervalMs: number;
  /** stop after this many ticks in watch mode (for pvlook check: how many samples); null runs until quit */
  count: number | null;
  parallel: number;
  timeoutMs: number;
  trend: TrendOptions;
  /** -F: an OpenSSH client config to use instead of ~/.ssh/config */
  sshConfigFile: string | null;
  /** serve Prometheus metrics here (watch mode) */
  listen: ListenAddress | null;
  /** write Prometheus metrics to this file every tick */
  textfile: string | null;
  /** serve the live web view (watch mode) */
  web: WebConfig | null;
  /** the token every HTTP route requires (the web view and /metrics); required beyond loopback */
  httpToken: string | null;
  /** record keys of hosts with none on file; changed keys are refused regardless */
  acceptNewHostKeys: boolean;
  hosts: HostPlan[];
  /** where the settings came from, for error messages and --help */
  configFile: string | null;
  /** pvlook check: thresholds for a group (flags > the group's own > the file's top level) */
  thresholdsFor: (group: string) => Thresholds;
  /** each group's peer comparison settings (core/peers.ts), null for a group that turned it off */
  peersFor: PeerOptionsFor;
}

export const DEFAULTS = {
  intervalSeconds: 1,
  /** below this a sampler only spins: the shell, SSH and the terminal each take milliseconds per sample */
  minIntervalSeconds: 0.1,
  session: 'shell',
  transport: 'auto',
  // Each host has at most one command in flight anyway; the bound smooths bursts on very large fleets.
  // Measured at 1,000 hosts: 50 in flight made a round take the whole second, 1,000 took ~230 ms.
  parallel: 1000,
  timeoutSeconds: 10,
  group: 'default',
} as const;
