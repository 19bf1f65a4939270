/**
 * pvlook's entry point as a function: parse, resolve the config, run, and
 * decide the exit status in one place. It never calls process.exit, so it can
 * be imported and tested, and the terminal is always restored on the way out.
 */
import { readFileSync } from 'node:fs';
import type { Config } from '../config/config.js';
import { resolveConfig, type Env } from '../config/resolve.js';
import { ConfigError, EXIT_USAGE, UsageError } from '../errors.js';
import { Terminal, type InputStream, type OutputStream } from '../render/terminal.js';
import { Sampler } from '../sampler/sampler.js';
import type { Transport } from '../transport/transport.js';
import { fdLimitWarning, openFilesLimit } from '../transport/fd-limit.js';
import type { Prober } from '../probe/prober.js';
import { ShellProber } from '../probe/shell-prober.js';
import { parseCommandLine } from './args.js';
import { runDemo } from './demo.js';
import { runCheck, unknown } from './check.js';
import { runDoctor } from './doctor.js';
import { exitCodeFor, runSnapshot, runWatch } from './run.js';
import { LiveView } from './live-view.js';
import { MetricsExporter } from '../export/exporter.js';
import type { Snapshot } from '../core/snapshot.js';
import { makeStyle } from '../render/style.js';
import { safeLines } from '../core/safe-text.js';
import { WebServer, type MetricsRoute } from '../web/web-server.js';
import { sharesAddress } from '../web/web-config.js';
import { fleetTransport } from '../transport/fleet-transport.js';
import type { RecordedKey } from '../transport/transport.js';

export interface MainIO {
  stdout: OutputStream;
  stderr: OutputStream;
  stdin: InputStream | null;
  env: Env;
  cwd: string;
}

/** Exit status for an error nobody expected (a bug): distinct from 1 and 2. */
const EXIT_INTERNAL = 70;
const SIGNAL_EXIT: Record<string, number> = { SIGHUP: 129, SIGINT: 130, SIGTERM: 143 };

export const VERSION = (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version;

export async function main(argv: readonly string[], io: MainIO = processIO()): Promise<number> {
  try {
    const parsed = parseCommandLine(argv, VERSION);
    if (parsed.kind === 'answered') {
      io.stdout.write(parsed.text);
      return 0;
    }
    const { args } = parsed;
    const context = { env: io.env, cwd: io.cwd, stdoutIsTTY: io.stdout.isTTY === true };
    if (args.command === 'demo') return await runDemo(args, context, io);
    // Keys --accept-new records are told once the run is over and the terminal is the user's again.
    const recorded: RecordedKey[] = [];
    const sshProber = (config: Config) => {
      const modes = new Map(config.hosts.map((host) => [host.spec.label, host.transport]));
      const transport = fleetTransport({
        sshConfigFile: config.sshConfigFile,
        acceptNewHostKeys: config.acceptNewHostKeys,
        agentSocket: io.env.SSH_AUTH_SOCK,
        modeFor: (host) => modes.get(host.label),
        onKeyRecorded: (key) => recorded.push(key),
      });
      return shellProber(config, transport);
    };
    if (args.command === 'doctor') return await runDoctor(args, context, io);
    try {
      if (args.command === 'check') return await runCheck(args, context, io, sshProber);
      const config = await resolveConfig(args, context);
      const warning = fdLimitWarning(config.hosts.length, openFilesLimit());
      if (warning) io.stderr.write(`pvlook: warning: ${warning}\n`);
      return await runSession(config, sshProber(config), io);
    } finally {
      for (const line of recordedKeyLines(recorded)) io.stderr.write(`pvlook: ${safeLines(line)}\n`);
    }
  } catch (error) {
    // A monitoring system reads a check's stdout and exit code, never its stderr.
    if (argv[0] === 'check' && (error instanceof UsageError || error instanceof ConfigError)) return unknown(io, argv.includes('--json'), error.message);
    return reportError(error, io);
  }
}

/** The prober for a config: each host's shell kept for good, or started for every sample (`session: exec`). */
export function shellProber(config: Config, transport: Transport): Prober {
  const modes = new Map(config.hosts.map((host) => [host.spec.label, host.session]));
  const sudo = new Set(config.hosts.filter((host) => host.sudo === true).map((host) => host.spec.label));
  return new ShellProber(transport, (host) => modes.get(host.label) ?? 'shell', (host) => sudo.has(host.label));
}

/** Run the sampler with the config through the prober, owning the terminal and signals meanwhile. */
export async function runSession(config: Config, prober: Prober, io: MainIO, title?: string): Promise<number> {
  const terminal = new Terminal(io.stdout, io.stdin);
  const controller = new AbortController();
  let stoppedBy: string | null = null;
  const onSignal = (name: NodeJS.Signals) => {
    stoppedBy = name;
    controller.abort();
  };
  const restore = () => terminal.restore();
  const stopOnClosedOutput = () => controller.abort();
  const signals: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];
  signals.forEach((name) => process.on(name, onSignal));
  process.on('exit', restore);
  io.stdout.on('error', stopOnClosedOutput);
  let exporter: MetricsExporter | null = null;
  let sampler: Sampler | null = null;
  let web: WebServer | null = null;
  let metricsServer: WebServer | null = null;
  try {
    const shared = sharesAddress(config.web, config.listen);
    if (config.listen !== null || config.textfile !== null) {
      exporter = new MetricsExporter(config.textfile, { served: config.listen !== null, warn: (message) => io.stderr.write(`pvlook: ${message}\n`) });
    }
    const metrics = exporter && config.listen !== null ? metricsRoute(exporter) : null;
    if (config.web !== null) {
      web = await WebServer.start({ ...config.web, ...(shared && metrics ? { metrics } : {}), ...tokenFailures(exporter) });
      io.stderr.write(`pvlook: web view at ${web.url}${config.web.token !== null ? ' (token required)' : ''}\n`);
      if (shared) io.stderr.write(`pvlook: serving Prometheus metrics at ${web.url}metrics\n`);
    }
    if (config.listen !== null && metrics && !shared) {
      metricsServer = await WebServer.start({ address: config.listen, token: config.httpToken, source: '--listen', page: false, metrics, ...tokenFailures(exporter) });
      io.stderr.write(`pvlook: serving Prometheus metrics at ${metricsServer.url}metrics${config.httpToken !== null ? ' (token required)' : ''}\n`);
    }
    sampler = new Sampler(config.hosts, prober, {
      parallel: config.parallel,
      timeoutMs: config.timeoutMs,
      intervalMs: config.intervalMs,
      trend: config.trend,
      peers: config.peersFor,
    });
    let last;
    if (config.mode === 'watch') {
      let live: LiveView | undefined;
      if (terminal.isTTY && !config.json) {
        // In raw mode Ctrl-C arrives as a key, not as SIGINT: the view treats it as quit.
        live = new LiveView(terminal, makeStyle(config.color, config.ascii), config.trend, () => controller.abort(), title);
        live.start();
      }
      const outputs = { exporter, web };
      const onSnapshot =
        exporter || web
          ? async (snapshot: Snapshot) => {
              // Publishing to browsers returns at once; a slow browser never holds up the next tick.
              outputs.web?.publish(snapshot);
              await outputs.exporter?.update(snapshot);
            }
          : undefined;
      last = await runWatch({ config, sampler, terminal, signal: controller.signal, ...(live ? { live } : {}), ...(onSnapshot ? { onSnapshot } : {}) });
    } else {
      last = await runSnapshot({ config, sampler, terminal, signal: controller.signal });
    }
    if (stoppedBy !== null) return SIGNAL_EXIT[stoppedBy] ?? 1;
    // Quitting the live view on purpose, or a reader that went away, is a normal end.
    if (controller.signal.aborted) return 0;
    return exitCodeFor(last);
  } finally {
    terminal.restore();
    signals.forEach((name) => process.off(name, onSignal));
    process.off('exit', restore);
    io.stdout.off('error', stopOnClosedOutput);
    await metricsServer?.close();
    await web?.close();
    await (sampler ? sampler.stop() : prober.close());
  }
}

/** What --accept-new added, one line a key: which host, which key, which file. */
function recordedKeyLines(keys: readonly RecordedKey[]): string[] {
  return keys.map((key) => `--accept-new recorded the ${key.keyType} key${key.fingerprint ? ` ${key.fingerprint}` : ''} of ${key.host}${key.name !== key.host ? ` (as ${key.name})` : ''} in ${key.file ?? "the host's first UserKnownHostsFile"}`);
}

/** Wrong tokens are counted in the metrics, when pvlook exports any. */
function tokenFailures(exporter: MetricsExporter | null): { onTokenFailure?: () => void } {
  return exporter ? { onTokenFailure: () => exporter.metrics.tokenFailed() } : {};
}

function metricsRoute(exporter: MetricsExporter): MetricsRoute {
  return { scrape: () => exporter.scrape(), failed: (message) => exporter.clientFailed(message) };
}

function reportError(error: unknown, io: MainIO): number {
  if (error instanceof UsageError || error instanceof ConfigError) {
    // Config values are quoted as JSON, which leaves C1 and bidi characters as they are.
    io.stderr.write(`pvlook: ${safeLines(error.message)}\n`);
    return EXIT_USAGE;
  }
  const detail = io.env.PVLOOK_DEBUG ? String((error as Error)?.stack ?? error) : String((error as Error)?.message ?? error);
  // An unexpected error's message may quote a host's words: shown, never obeyed.
  io.stderr.write(`pvlook: internal error: ${safeLines(detail)}\n(please report this; run with PVLOOK_DEBUG=1 for details)\n`);
  return EXIT_INTERNAL;
}

function processIO(): MainIO {
  return { stdout: process.stdout, stderr: process.stderr, stdin: process.stdin, env: process.env, cwd: process.cwd() };
}
