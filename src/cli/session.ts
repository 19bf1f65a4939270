/**
 * One run of the sampler over a config, shared by normal runs and the demo:
 * the prober built from the config, the terminal and signals owned meanwhile,
 * the web view and metrics served, and the run's exit status.
 */
import type { Config } from '../config/config.js';
import type { Env } from '../config/resolve.js';
import { Terminal, type InputStream, type OutputStream } from '../render/terminal.js';
import { Sampler } from '../sampler/sampler.js';
import type { Transport } from '../transport/transport.js';
import type { Prober } from '../probe/prober.js';
import { ShellProber } from '../probe/shell-prober.js';
import { runSnapshot, runWatch } from './run.js';
import { EXIT_OK, exitCodeFor, signalExitCode } from '../core/exit-codes.js';
import { LiveView } from './live-view.js';
import { MetricsExporter } from '../export/exporter.js';
import type { Snapshot } from '../core/snapshot.js';
import { makeStyle } from '../render/style.js';
import { WebServer, type MetricsRoute } from '../web/web-server.js';
import { sharesAddress } from '../config/web-config.js';

export interface MainIO {
  stdout: OutputStream;
  stderr: OutputStream;
  stdin: InputStream | null;
  env: Env;
  cwd: string;
}

/** The prober for a config: each host's shell kept for good, or started for every sample (`session: exec`), as its plan says. */
export function shellProber(transport: Transport): Prober {
  return new ShellProber(transport);
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
    if (stoppedBy !== null) return signalExitCode(stoppedBy);
    // Quitting the live view on purpose, or a reader that went away, is a normal end.
    if (controller.signal.aborted) return EXIT_OK;
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

/** Wrong tokens are counted in the metrics, when pvlook exports any. */
function tokenFailures(exporter: MetricsExporter | null): { onTokenFailure?: () => void } {
  return exporter ? { onTokenFailure: () => exporter.metrics.tokenFailed() } : {};
}

function metricsRoute(exporter: MetricsExporter): MetricsRoute {
  return { scrape: () => exporter.scrape(), failed: (message) => exporter.clientFailed(message) };
}
