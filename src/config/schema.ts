/**
 * The shape of a pvlook config file, checked with zod. Strict objects, so a
 * misspelt key is an error rather than a silently ignored setting. The same
 * schema is published as JSON Schema (schema/pvlookrc.schema.json) for editors.
 */
import { z } from 'zod';
import { hasControlCharacters } from '../core/control-characters.js';

const logPath = z
  .string()
  .min(1, 'a log path cannot be empty')
  .refine((path) => !path.includes('\0'), 'a log path cannot contain a NUL byte')
  .describe('log file on the remote hosts');

const host = z.string().min(1, 'a host cannot be empty');
/** A list of hosts; one host may be written alone, as a string (several in one string would be ambiguous). */
const hostList = z
  .union([z.array(host), host.refine((text) => !/[\s,]/.test(text), 'several hosts are a list: [h1, h2]').transform((text) => [text])])
  .describe('hosts as [user@]host[:port] or ssh_config names; ranges like web[01-20] expand; one host may be written as a string');

const seconds = z.number().positive('must be more than 0 seconds').max(86_400, 'must be at most 86400 seconds');

const thresholds = z
  .strictObject({
    minRate: z.number().min(0).optional().describe('pvlook check: CRITICAL below this many lines/s'),
    maxRate: z.number().min(0).optional().describe('pvlook check: CRITICAL above this many lines/s'),
    maxDrop: z.number().min(0).max(100).optional().describe('pvlook check: WARNING when the rate drops more than this percent below the mean of the earlier samples'),
    maxShare: z.record(z.string(), z.number().min(0).max(100)).optional().describe('pvlook check: CRITICAL when lines matching the named pattern are more than this percent of the new lines'),
    peers: z.boolean().optional().describe('pvlook check: WARNING for a log that is odd among its peers (its rate or a pattern\'s share)'),
    peersCriticalBelow: z.number().min(0).optional().describe('pvlook check (with peers): CRITICAL when an odd log\'s ratio to its peers\' median is below this'),
    peersCriticalAbove: z.number().min(0).optional().describe('pvlook check (with peers): CRITICAL when an odd log\'s ratio to its peers\' median is above this'),
  })
  .describe('thresholds for pvlook check');

const patterns = z
  .record(
    z.string().regex(/^[A-Za-z][A-Za-z0-9_]*$/, 'pattern names use letters, digits and "_", starting with a letter'),
    z
      .string()
      .min(1, 'a pattern cannot be empty')
      .refine((regex) => !hasControlCharacters(regex), 'a pattern cannot contain control characters'),
  )
  .describe('named POSIX extended regular expressions; lines matching each are counted among the new lines');

const split = z.boolean().describe('when log is a glob: one row per matched file instead of their sum');

const session = z
  .enum(['shell', 'exec'])
  .describe('shell: one long-lived shell per host, one small request per sample (default); exec: a new shell for every sample, for servers where a long-lived channel is unwelcome');

const sudo = z
  .boolean()
  .describe('run pvlook\'s shell as root through sudo -n (sudo -n /bin/sh -s), for logs only root can read; needs a NOPASSWD sudoers rule for /bin/sh -s');
const transport = z
  .enum(['auto', 'builtin', 'openssh'])
  .describe('SSH client: auto (default) uses the built-in one unless a host\'s ssh settings need OpenSSH (ProxyCommand, certificates, GSSAPI, key types it cannot use); builtin: always the built-in one; openssh: the system ssh, one process per host');

const peerTuning = z.strictObject({
      minPeers: z.int().min(2).max(100_000).optional().describe('logs with a rate (the log itself included) a comparison needs (default 3)'),
      low: z.number().min(0).max(1).optional().describe('odd below this many times the peers\' median (default 0.5)'),
      high: z.number().min(1).optional().describe('odd above this many times the peers\' median (default 2)'),
      samples: z.int().min(1).max(100).optional().describe('samples in a row a log must stay below low or above high (default 3)'),
      minRate: z.number().min(0).optional().describe('lines/s the peers\' median must reach for a rate to be compared (default 1)'),
      minShare: z.number().min(0).max(100).optional().describe('percent of lines a pattern\'s share must reach to be odd high, or its peers\' median to be odd low (default 1)'),
});

const peers = z
  .union([z.boolean(), peerTuning])
  .describe('compare each log with the same log on the group\'s other hosts and mark the odd one out; false turns it off');

export const groupSchema = z.strictObject({
  log: logPath,
  hosts: hostList,
  split: split.optional(),
  patterns: patterns.optional(),
  session: session.optional(),
  sudo: sudo.optional(),
  transport: transport.optional(),
  check: thresholds.optional(),
  peers: peers.optional(),
});

export const fileConfigSchema = z.strictObject({
  $schema: z.string().optional().describe('the JSON Schema this file follows (for editors; ignored by pvlook)'),
  log: logPath.optional().describe('log path of the default group and of hosts named on the command line'),
  hosts: hostList.optional().describe('hosts of the default group'),
  patterns: patterns.optional().describe('patterns of the default group (hosts named on the command line too)'),
  split: split.optional(),
  groups: z
    .record(z.string().regex(/^[A-Za-z0-9_.-]+$/, 'group names use letters, digits, "_", "." and "-"'), groupSchema)
    .optional()
    .describe('named groups, each with its own log and hosts; a host may be in several'),
  session: session.optional(),
  sudo: sudo.optional(),
  transport: transport.optional(),
  interval: z.number().min(0.1, 'must be at least 0.1 seconds').max(86_400, 'must be at most 86400 seconds').optional().describe('seconds between samples (at least 0.1)'),
  timeout: seconds.optional().describe('seconds to wait for a host to connect and for its command to answer'),
  parallel: z.int().min(1).max(10_000).optional().describe('SSH commands in flight at once, fleet-wide'),
  color: z.boolean().optional().describe('colour on a terminal (NO_COLOR and --no-color still win)'),
  ascii: z.boolean().optional().describe('ASCII symbols only'),
  sshConfig: z.string().min(1).optional().describe('OpenSSH client config file, as ssh -F'),
  listen: z.string().min(1).optional().describe('serve Prometheus metrics at http://[host:]port/metrics in watch mode (a bare port is loopback; beyond loopback, a token is needed)'),
  textfile: z.string().min(1).optional().describe('write Prometheus metrics to this file every tick, for node_exporter\'s textfile collector'),
  web: z.string().min(1).optional().describe('serve the live web view at [host:]port in watch mode (a bare port is loopback)'),
  webToken: z.string().min(1).optional().describe('token the web view requires (needed beyond loopback); PVLOOK_WEB_TOKEN keeps it out of the file'),
  acceptNewHostKeys: z.boolean().optional().describe('record keys of hosts with none on file (StrictHostKeyChecking=accept-new)'),
  check: thresholds.optional().describe('thresholds for pvlook check, for every group (a group\'s own check settings win)'),
  peers: peers.optional().describe('peer comparison for every group (on by default; a group\'s own peers setting wins)'),
  trend: z
    .strictObject({
      window: z.int().min(1).max(1000).optional().describe('how many previous rates the trend compares with'),
      deadband: z.number().min(0).max(10).optional().describe('a change within this fraction of the mean is flat'),
      minDelta: z.number().min(0).optional().describe('a change within this many lines/s is flat'),
    })
    .optional(),
});

export type FileConfig = z.infer<typeof fileConfigSchema>;

/** The keys a config file may have at a key path (for "did you mean"); empty where any key goes. */
export function keysAt(path: readonly PropertyKey[]): string[] {
  const [first, second, third] = path;
  if (path.length === 0) return Object.keys(fileConfigSchema.shape);
  if (first === 'trend' && path.length === 1) return Object.keys(fileConfigSchema.shape.trend.unwrap().shape);
  if (first === 'check' && path.length === 1) return Object.keys(thresholds.shape);
  if (first === 'groups' && second !== undefined && path.length === 2) return Object.keys(groupSchema.shape);
  if (first === 'groups' && third === 'check' && path.length === 3) return Object.keys(thresholds.shape);
  if ((first === 'peers' && path.length === 1) || (first === 'groups' && third === 'peers' && path.length === 3)) return Object.keys(peerTuning.shape);
  return [];
}

/** The config file's JSON Schema, generated from the schema above. */
export function configJsonSchema(): Record<string, unknown> {
  return {
    // What a file may say (a host alone as a string, too), not what pvlook makes of it.
    ...z.toJSONSchema(fileConfigSchema, { io: 'input' }),
    title: 'pvlook configuration (.pvlookrc)',
  };
}
