/**
 * What the config step reads from the command line: the options as typed, no
 * defaults applied. The cli's parsed arguments satisfy it; config does not
 * import the cli.
 */
export interface ConfigInputs {
  hosts: string[];
  log?: string;
  config?: string;
  hostsFile?: string;
  sshConfig?: string;
  acceptNew?: boolean;
  group?: string[];
  shard?: string;
  shardOrdinal?: string;
  shardCount?: string;
  pattern?: string[];
  split?: boolean;
  session?: string;
  sudo?: boolean;
  transport?: string;
  watch?: boolean;
  interval?: string;
  count?: string;
  json?: boolean;
  parallel?: string;
  timeout?: string;
  /** false only when --no-color was given */
  color?: boolean;
  ascii?: boolean;
  listen?: string;
  textfile?: string;
  /** serve the live web view at [host:]port */
  web?: string;
  webToken?: string;
  /** check only: thresholds and how many samples to take */
  minRate?: string;
  maxRate?: string;
  maxDrop?: string;
  peers?: boolean;
  peersCriticalBelow?: string;
  peersCriticalAbove?: string;
  samples?: string;
  /** check only: --max-share name=percent, repeatable */
  maxShare?: string[];
}
