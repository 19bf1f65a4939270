/**
 * Where the metrics go: /metrics for Prometheus to scrape (served by the one
 * HTTP server, web/web-server.ts, behind its access rule) and/or a file for
 * node_exporter's textfile collector (--textfile), replaced atomically every
 * tick so the collector never reads half a file.
 *
 * Exporting never stops the watch: a textfile that cannot be written or a
 * scraper that hangs up is reported on stderr (once, and again when the
 * problem changes or ends) and counted in `pvlook_export_errors_total`, and
 * pvlook goes on sampling and serving.
 */
import { Counter } from 'prom-client';
import { safeText } from '../core/safe-text.js';
import type { Snapshot } from '../core/snapshot.js';
import { replaceFile } from '../files/safe-write.js';
import { FleetMetrics } from './fleet-metrics.js';

export interface ExporterOptions {
  /** /metrics is served: count its client failures from the start */
  served?: boolean;
  /** where a problem with exporting is reported: one line, without a trailing newline */
  warn?: (message: string) => void;
}

type Target = 'textfile' | 'http';

export class MetricsExporter {
  readonly metrics = new FleetMetrics();
  private readonly errors = new Counter({
    name: 'pvlook_export_errors_total',
    help: 'Failed exports: textfile writes that failed, and /metrics responses a client did not receive.',
    labelNames: ['target'],
    registers: [this.metrics.registry],
  });
  /** The problem last reported per target, so a failure repeated every tick is reported once. */
  private readonly reported = new Map<Target, string | null>();
  private readonly warn: (message: string) => void;

  constructor(
    private readonly textfile: string | null,
    options: ExporterOptions = {},
  ) {
    this.warn = options.warn ?? (() => undefined);
    // Present from the start, at zero, so an alert on its increase has a baseline.
    if (textfile !== null) this.errors.inc({ target: 'textfile' }, 0);
    if (options.served === true) this.errors.inc({ target: 'http' }, 0);
  }

  /** The exposition as served at /metrics, for a server that shares its port (the web view). */
  async scrape(): Promise<{ contentType: string; body: string }> {
    return { contentType: this.metrics.registry.contentType, body: await this.metrics.text() };
  }

  /** Take a new snapshot into the metrics and write the textfile. Never rejects: a failed write is reported and counted. */
  async update(snapshot: Snapshot): Promise<void> {
    this.metrics.update(snapshot);
    if (this.textfile === null) return;
    try {
      await replaceFile(this.textfile, await this.metrics.text());
      this.recovered('textfile', `--textfile ${this.textfile}: written again`);
    } catch (error) {
      this.failed('textfile', `--textfile ${this.textfile}: cannot write (${describe(error)}); watching goes on`);
    }
  }

  /** A /metrics client that failed mid-request (the HTTP server tells). */
  clientFailed(message: string): void {
    this.failed('http', message);
  }

  /** Count a failure, and report it unless it is the one reported last. */
  private failed(target: Target, message: string): void {
    this.errors.inc({ target });
    if (this.reported.get(target) === message) return;
    this.reported.set(target, message);
    this.warn(safeText(message));
  }

  /** After a reported failure, say once that it is over. */
  private recovered(target: Target, message: string): void {
    if ((this.reported.get(target) ?? null) === null) return;
    this.reported.set(target, null);
    this.warn(safeText(message));
  }
}

function describe(error: unknown): string {
  const { code, message } = error as NodeJS.ErrnoException;
  if (code === 'ENOENT') return 'no such folder';
  if (code === 'EACCES' || code === 'EPERM') return 'permission denied';
  if (code === 'EROFS') return 'read-only file system';
  if (code === 'ENOSPC') return 'no space left on the device';
  return code ?? message;
}
