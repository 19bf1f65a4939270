/**
 * Merge defaults < config file < environment (PVLOOK_*) < flags into one
 * checked Config. Every bad value is reported with where it came from.
 */
import path from 'node:path';
import type { ConfigInputs } from './inputs.js';
import { ConfigError, UsageError, quote } from '../errors.js';
import { expandHostPattern, HostRangeError } from '../core/host-range.js';
import { parseHostSpec, HostSpecError } from '../core/host-spec.js';
import { DEFAULT_TREND } from '../core/trend.js';
import { inShard, parseShard, shardFromOrdinal, type Shard } from '../core/shard.js';
import { hasControlCharacters } from '../core/control-characters.js';
import type { Thresholds } from '../core/check.js';
import { requireTokenBeyondLoopback, resolveHttpToken, resolveWeb } from './web-config.js';
import { addressProblem, parseWebAddress } from './web-address.js';
import { DEFAULTS, type Config, type HostPlan, type Pattern, type Watch } from './config.js';
import type { FileConfig } from './schema.js';
import type { SessionMode } from '../core/session-mode.js';
import { TRANSPORT_MODES, type TransportMode } from '../core/transport-choice.js';
import { readHostsFile } from './hosts-file.js';
import { loadConfigFile } from './load-file.js';
import { peerResolver } from './peer-settings.js';

export type Env = Readonly<Record<string, string | undefined>>;

export interface ResolveContext {
  env: Env;
  cwd: string;
  stdoutIsTTY: boolean;
}

/** A value and the place it came from, for error messages. */
interface Sourced<T> {
  value: T;
  source: string;
}

export async function resolveConfig(args: ConfigInputs, context: ResolveContext): Promise<Config> {
  const explicit = args.config ?? context.env.PVLOOK_CONFIG ?? null;
  const loaded = await loadConfigFile(explicit, context.cwd, context.env.HOME);
  const file = loaded?.config ?? {};
  const options = resolveOptions(args, context, file, loaded?.file ?? null);
  const hosts = await resolveHosts(args, context, file, loaded?.file ?? 'config');
  return {
    ...options,
    hosts: shardOf(hosts, shardOption(args, context.env)),
    thresholdsFor: thresholdsResolver(args, file),
    peersFor: peerResolver(file),
  };
}

/** Everything but the host list: shared by normal runs and the demo. */
export function resolveOptions(args: ConfigInputs, context: ResolveContext, file: FileConfig, configFile: string | null): Omit<Config, 'hosts' | 'thresholdsFor' | 'peersFor'> {
  const { env } = context;
  const fileSource = configFile ?? 'config';
  const interval = pick<number>(
    [args.interval, '--interval', parseSeconds],
    [env.PVLOOK_INTERVAL, 'PVLOOK_INTERVAL', parseSeconds],
    [file.interval, `${fileSource}: key "interval"`],
  ) ?? { value: DEFAULTS.intervalSeconds, source: 'default' };
  if (interval.value < DEFAULTS.minIntervalSeconds) {
    throw new UsageError(`${interval.source} ${quote(interval.value)}: must be at least ${DEFAULTS.minIntervalSeconds} seconds (pvlook would only spin faster than that)`);
  }
  const timeout = pick<number>(
    [args.timeout, '--timeout', parseSeconds],
    [env.PVLOOK_TIMEOUT, 'PVLOOK_TIMEOUT', parseSeconds],
    [file.timeout, `${fileSource}: key "timeout"`],
  ) ?? { value: DEFAULTS.timeoutSeconds, source: 'default' };
  const parallel = pick<number>(
    [args.parallel, '--parallel', parseCount],
    [env.PVLOOK_PARALLEL, 'PVLOOK_PARALLEL', parseCount],
    [file.parallel, `${fileSource}: key "parallel"`],
  ) ?? { value: DEFAULTS.parallel, source: 'default' };
  const count = pick<number>([args.count, '--count', parseCount], [args.samples, '--samples', parseCount]);
  // A rate needs two samples: one sample would silently be taken as two.
  if (args.samples !== undefined && count !== undefined && count.value < 2) throw new UsageError(`--samples ${quote(args.samples)}: at least 2 (a rate needs two samples; the default, 4, gives three rates)`);
  const sshConfig = args.sshConfig ?? env.PVLOOK_SSH_CONFIG ?? file.sshConfig ?? null;
  const listenText = pick<string>([args.listen, '--listen'], [env.PVLOOK_LISTEN, 'PVLOOK_LISTEN'], [file.listen, `${fileSource}: key "listen"`]);
  const listen = listenText === undefined ? null : parseWebAddress(listenText.value);
  if (listenText !== undefined && listen === null) throw new UsageError(`${listenText.source} ${quote(listenText.value)}: ${addressProblem(listenText.value)}`);
  const textfile = args.textfile ?? env.PVLOOK_TEXTFILE ?? file.textfile ?? null;
  const tokenInputs = { tokenFlag: args.webToken, env, file, fileSource };
  const web = resolveWeb({ flag: args.web, ...tokenInputs });
  const httpToken = resolveHttpToken(tokenInputs);
  if (listen !== null && listenText !== undefined) requireTokenBeyondLoopback(listen, httpToken, `${listenText.source} ${quote(listenText.value)}`, 'Prometheus metrics');
  return {
    mode: args.watch || count !== undefined || listen !== null || textfile !== null || web !== null ? 'watch' : 'snapshot',
    json: args.json ?? false,
    color: resolveColor(args, env, file, context.stdoutIsTTY),
    ascii: args.ascii ?? (env.PVLOOK_ASCII !== undefined && env.PVLOOK_ASCII !== '' && env.PVLOOK_ASCII !== '0' ? true : undefined) ?? file.ascii ?? false,
    intervalMs: Math.round(interval.value * 1000),
    count: count?.value ?? null,
    parallel: parallel.value,
    timeoutMs: Math.round(timeout.value * 1000),
    trend: { ...DEFAULT_TREND, ...file.trend },
    sshConfigFile: sshConfig === null ? null : path.resolve(context.cwd, expandHome(sshConfig, env.HOME)),
    acceptNewHostKeys: args.acceptNew ?? file.acceptNewHostKeys ?? false,
    listen,
    textfile: textfile === null ? null : path.resolve(context.cwd, expandHome(textfile, env.HOME)),
    web,
    httpToken,
    configFile,
  };
}

type Candidate<T> = [raw: string | T | undefined, source: string, parse?: (text: string) => T | null];

/** The first candidate that is set wins; a set but unparseable value is an error, not skipped. */
function pick<T>(...candidates: Candidate<T>[]): Sourced<T> | undefined {
  for (const [raw, source, parse] of candidates) {
    if (raw === undefined) continue;
    if (parse === undefined || typeof raw !== 'string') return { value: raw as T, source };
    const value = parse(raw);
    if (value === null) throw new UsageError(`${source} ${quote(raw)}: ${parse === parseSeconds ? 'expected a number of seconds above 0, like 1 or 0.5' : 'expected a whole number of 1 or more'}`);
    return { value, source };
  }
  return undefined;
}

/** `~/x` in a config value means the home folder, as in ssh_config. */
function expandHome(file: string, home: string | undefined): string {
  return home && (file === '~' || file.startsWith('~/')) ? path.join(home, file.slice(1)) : file;
}

function parseSeconds(text: string): number | null {
  if (!/^\s*(\d+(\.\d*)?|\.\d+)\s*$/.test(text)) return null;
  const value = Number(text);
  return value > 0 && value <= 86_400 ? value : null;
}

function parseCount(text: string): number | null {
  if (!/^\s*\d+\s*$/.test(text)) return null;
  const value = Number(text);
  return value >= 1 && value <= 10_000_000 ? value : null;
}

/** Colour: --no-color, then NO_COLOR / FORCE_COLOR (no-color.org, force-color.org), then the file, then "is it a terminal". */
function resolveColor(args: ConfigInputs, env: Env, file: FileConfig, isTTY: boolean): boolean {
  if (args.color === false) return false;
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return false;
  if (env.FORCE_COLOR !== undefined) return env.FORCE_COLOR !== '0' && env.FORCE_COLOR !== 'false';
  return file.color ?? isTTY;
}

async function resolveHosts(args: ConfigInputs, context: ResolveContext, file: FileConfig, fileName: string): Promise<HostPlan[]> {
  const { env } = context;
  const logFlag = args.log ?? env.PVLOOK_LOG;
  checkLogPath(logFlag, args.log !== undefined ? '--log' : 'PVLOOK_LOG');
  const groups = file.groups ?? {};
  const chosen = args.group ?? [];
  for (const name of chosen) {
    if (!(name in groups)) {
      const known = Object.keys(groups);
      throw new UsageError(`--group ${quote(name)}: no such group in ${fileName}${known.length ? ` (groups: ${known.join(', ')})` : ''}`);
    }
  }

  const flagPatterns = (args.pattern ?? []).map(parsePatternFlag);
  const hostsFile = args.hostsFile ?? env.PVLOOK_HOSTS_FILE;
  const given = [...args.hosts];
  if (given.length === 0 && env.PVLOOK_HOSTS) given.push(...env.PVLOOK_HOSTS.split(/[\s,]+/).filter(Boolean));
  if (hostsFile !== undefined) given.push(...(await readHostsFile(path.resolve(context.cwd, hostsFile))));

  const pairs: { host: string; watch: Watch; source: string }[] = [];
  if (given.length > 0 || hostsFile !== undefined) {
    // Hosts named on the command line join the one chosen group, or the default group.
    const group = chosen.length === 1 ? (chosen[0] as string) : DEFAULTS.group;
    const log = logFlag ?? (chosen.length === 1 ? groups[group]?.log : undefined) ?? file.log;
    if (log === undefined) throw new UsageError('no log path: pass --log <path>, set PVLOOK_LOG, or set "log" in a config file');
    const split = args.split ?? (chosen.length === 1 ? groups[group]?.split : file.split) ?? false;
    const session = (chosen.length === 1 ? groups[group]?.session : undefined) ?? file.session;
    const sudo = (chosen.length === 1 ? groups[group]?.sudo : undefined) ?? file.sudo;
    const transport = (chosen.length === 1 ? groups[group]?.transport : undefined) ?? file.transport;
    const watch = { group, log, patterns: [...patternList(chosen.length === 1 ? groups[group]?.patterns : file.patterns), ...flagPatterns], split, ...(session ? { session } : {}), ...(sudo ? { sudo } : {}), ...(transport ? { transport } : {}) };
    for (const host of given) pairs.push({ host, watch, source: hostsFile !== undefined && !args.hosts.includes(host) ? hostsFile : 'command line' });
  } else {
    if (file.hosts !== undefined && (chosen.length === 0 || chosen.includes(DEFAULTS.group))) {
      const log = logFlag ?? file.log;
      if (log === undefined) throw new ConfigError(fileName, ['key "hosts" is set but no "log" path is: add "log", or pass --log']);
      const watch = { group: DEFAULTS.group, log, patterns: [...patternList(file.patterns), ...flagPatterns], split: args.split ?? file.split ?? false, ...(file.session ? { session: file.session } : {}), ...(file.sudo ? { sudo: file.sudo } : {}), ...(file.transport ? { transport: file.transport } : {}) };
      file.hosts.forEach((host) => pairs.push({ host, watch, source: `${fileName}: key "hosts"` }));
    }
    for (const [name, group] of Object.entries(groups)) {
      if (chosen.length > 0 && !chosen.includes(name)) continue;
      const session = group.session ?? file.session;
      const sudo = group.sudo ?? file.sudo;
      const transport = group.transport ?? file.transport;
      const watch = { group: name, log: logFlag ?? group.log, patterns: [...patternList(group.patterns), ...flagPatterns], split: args.split ?? group.split ?? false, ...(session ? { session } : {}), ...(sudo ? { sudo } : {}), ...(transport ? { transport } : {}) };
      group.hosts.forEach((host) => pairs.push({ host, watch, source: `${fileName}: key "groups.${name}.hosts"` }));
    }
  }
  if (pairs.length === 0) {
    throw new UsageError('no hosts to watch: name them (pvlook web01 web02), use --hosts-file, or list "hosts" or "groups" in a config file (try pvlook demo)');
  }
  return planHosts(pairs, sessionOverride(args.session, env.PVLOOK_SESSION), sudoOverride(args.sudo, env.PVLOOK_SUDO), transportOverride(args.transport, env.PVLOOK_TRANSPORT));
}

/** --sudo or PVLOOK_SUDO (1/true/yes or 0/false/no), which beat every config file setting. */
function sudoOverride(flag: boolean | undefined, env: string | undefined): boolean | null {
  if (flag !== undefined) return flag;
  if (env === undefined || env === '') return null;
  if (/^(1|true|yes)$/i.test(env)) return true;
  if (/^(0|false|no)$/i.test(env)) return false;
  throw new UsageError(`PVLOOK_SUDO ${quote(env)}: expected 1 or 0 (true or false)`);
}

/** --session or PVLOOK_SESSION, which beat every config file setting. */
function sessionOverride(flag: string | undefined, env: string | undefined): SessionMode | null {
  const [value, source] = flag !== undefined ? [flag, '--session'] : [env, 'PVLOOK_SESSION'];
  if (value === undefined || value === '') return null;
  if (value !== 'shell' && value !== 'exec') throw new UsageError(`${source} ${quote(value)}: expected shell or exec`);
  return value;
}

/** --transport or PVLOOK_TRANSPORT, which beat every config file setting. */
function transportOverride(flag: string | undefined, env: string | undefined): TransportMode | null {
  const [value, source] = flag !== undefined ? [flag, '--transport'] : [env, 'PVLOOK_TRANSPORT'];
  if (value === undefined || value === '') return null;
  const mode = TRANSPORT_MODES.find((known) => known === value);
  if (mode === undefined) throw new UsageError(`${source} ${quote(value)}: expected ${TRANSPORT_MODES.join(', ')}`);
  return mode;
}

function checkLogPath(log: string | undefined, source: string): void {
  if (log === undefined) return;
  if (log === '' || log.includes('\0')) throw new UsageError(`${source} ${quote(log)}: expected a file path`);
}

function patternList(patterns: Record<string, string> | undefined): Pattern[] {
  return Object.entries(patterns ?? {}).map(([name, regex]) => ({ name, regex }));
}

/** --pattern name=regex */
function parsePatternFlag(text: string): Pattern {
  const match = /^([A-Za-z][A-Za-z0-9_]*)=(.+)$/s.exec(text);
  if (!match || hasControlCharacters(match[2]!)) {
    throw new UsageError(`--pattern ${quote(text)}: expected name=regex, like errors='" 5[0-9][0-9] '`);
  }
  return { name: match[1]!, regex: match[2]! };
}

/** Flags beat a group's own thresholds, which beat the file's top-level ones. */
function thresholdsResolver(args: ConfigInputs, file: FileConfig): (group: string) => Thresholds {
  const flags: Thresholds = {};
  const number = (text: string | undefined, source: string, max = Infinity): number | undefined => {
    if (text === undefined) return undefined;
    const value = Number(text);
    if (!/^\s*\d+(\.\d*)?\s*$/.test(text) || value > max) throw new UsageError(`${source} ${quote(text)}: expected a number from 0${max === Infinity ? '' : ` to ${max}`}`);
    return value;
  };
  const minRate = number(args.minRate, '--min-rate');
  const maxRate = number(args.maxRate, '--max-rate');
  const maxDrop = number(args.maxDrop, '--max-drop', 100);
  if (minRate !== undefined) flags.minRate = minRate;
  if (maxRate !== undefined) flags.maxRate = maxRate;
  if (maxDrop !== undefined) flags.maxDrop = maxDrop;
  for (const text of args.maxShare ?? []) {
    const match = /^([A-Za-z][A-Za-z0-9_]*)=(.*)$/.exec(text);
    if (!match) throw new UsageError(`--max-share ${quote(text)}: expected name=percent, like errors=5`);
    flags.maxShare = { ...flags.maxShare, [match[1]!]: number(match[2], `--max-share ${match[1]}`, 100)! };
  }
  if (args.peers === true) flags.peers = true;
  const peersCriticalBelow = number(args.peersCriticalBelow, '--peers-critical-below');
  const peersCriticalAbove = number(args.peersCriticalAbove, '--peers-critical-above');
  if (peersCriticalBelow !== undefined) flags.peersCriticalBelow = peersCriticalBelow;
  if (peersCriticalAbove !== undefined) flags.peersCriticalAbove = peersCriticalAbove;
  // A flag's maxShare adds to the file's, pattern by pattern.
  return (group) => {
    const fromFile = { ...file.check, ...file.groups?.[group]?.check };
    const maxShare = { ...fromFile.maxShare, ...flags.maxShare };
    return { ...fromFile, ...flags, ...(Object.keys(maxShare).length > 0 ? { maxShare } : {}) };
  };
}

/**
 * This instance's shard: `--shard i/n`, or a 0-based ordinal and a count (a
 * StatefulSet pod's index from the downward API, with no shell to add one).
 * Each value is a flag or else its environment variable; the two forms
 * together are an error rather than one silently beating the other.
 */
function shardOption(args: ConfigInputs, env: Env): Shard | null {
  const text = sourced(args.shard, '--shard', env.PVLOOK_SHARD, 'PVLOOK_SHARD');
  const ordinal = sourced(args.shardOrdinal, '--shard-ordinal', env.PVLOOK_SHARD_ORDINAL, 'PVLOOK_SHARD_ORDINAL');
  const count = sourced(args.shardCount, '--shard-count', env.PVLOOK_SHARD_COUNT, 'PVLOOK_SHARD_COUNT');
  if (text !== null) {
    const other = ordinal ?? count;
    if (other !== null) throw new UsageError(`${text.source} and ${other.source} both say which shard this is: give one`);
    const shard = parseShard(text.value);
    if (shard === null) throw new UsageError(`${text.source} ${quote(text.value)}: expected i/n with 1 <= i <= n, like 2/5`);
    return shard;
  }
  if (ordinal === null && count === null) return null;
  if (ordinal === null) throw new UsageError(`${count?.source ?? ''} needs --shard-ordinal or PVLOOK_SHARD_ORDINAL`);
  if (count === null) throw new UsageError(`${ordinal.source} needs --shard-count or PVLOOK_SHARD_COUNT`);
  const shard = shardFromOrdinal(ordinal.value, count.value);
  if (shard === null) {
    throw new UsageError(`${ordinal.source} ${quote(ordinal.value)} of ${count.source} ${quote(count.value)}: expected an ordinal 0 <= k < n (or a pod name ending in -k)`);
  }
  return shard;
}

function sourced(flag: string | undefined, flagName: string, env: string | undefined, envName: string): Sourced<string> | null {
  if (flag !== undefined) return { value: flag, source: flagName };
  if (env !== undefined && env !== '') return { value: env, source: envName };
  return null;
}

/** Keep this instance's part of the fleet; an empty part is fine (a small fleet over many instances). */
function shardOf(hosts: HostPlan[], shard: Shard | null): HostPlan[] {
  return shard === null ? hosts : hosts.filter((host) => inShard(host.spec.label, shard));
}

/** Expand ranges, parse each host once, and gather every watch of a host onto it. */
function planHosts(pairs: readonly { host: string; watch: Watch; source: string }[], session: SessionMode | null, sudo: boolean | null, transport: TransportMode | null): HostPlan[] {
  const byLabel = new Map<string, HostPlan>();
  for (const { host, watch, source } of pairs) {
    let names: string[];
    try {
      names = expandHostPattern(host);
    } catch (error) {
      if (error instanceof HostRangeError) throw new UsageError(`${source}: ${error.message}`, { cause: error });
      throw error;
    }
    for (const name of names) {
      let plan = byLabel.get(name);
      if (!plan) {
        try {
          plan = { spec: parseHostSpec(name), session: session ?? DEFAULTS.session, ...(sudo ? { sudo } : {}), transport: transport ?? DEFAULTS.transport, watches: [] };
        } catch (error) {
          if (error instanceof HostSpecError) throw new UsageError(`${source}: ${error.message}`, { cause: error });
          throw error;
        }
        byLabel.set(name, plan);
      }
      if (!plan.watches.some((w) => w.group === watch.group && w.log === watch.log)) plan.watches.push(watch);
      // A host is sampled by one shell: if any of its groups wants a new shell per sample, it gets that.
      if (session === null && watch.session === 'exec') plan.session = 'exec';
      // Likewise one shell reads all of a host's logs: sudo for one group is sudo for the host.
      if (sudo === null && watch.sudo === true) plan.sudo = true;
      if (transport === null && watch.transport !== undefined) plan.transport = strongerTransport(plan.transport ?? DEFAULTS.transport, watch.transport);
    }
  }
  return [...byLabel.values()];
}

/**
 * A host in several groups that name different clients: a named client beats
 * auto, and OpenSSH beats the built-in one (it reaches whatever the other can).
 */
function strongerTransport(a: TransportMode, b: TransportMode): TransportMode {
  const rank: Record<TransportMode, number> = { auto: 0, builtin: 1, openssh: 2 };
  return rank[b] > rank[a] ? b : a;
}
