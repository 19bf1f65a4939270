/**
 * Where the metrics go: an HTTP endpoint for Prometheus to scrape (--listen)
 * and/or a file for node_exporter's textfile collector (--textfile), rewritten
 * atomically every tick so the collector never reads half a file.
 *
 * Exporting never stops the watch: a textfile that cannot be written or a
 * scraper that hangs up is reported on stderr (once, and again when the
 * problem changes or ends) and counted in `pvlook_export_errors_total`, and
 * pvlook goes on sampling and serving.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { rename, rm, writeFile } from 'node:fs/promises';
import { Counter } from 'prom-client';
import { safeText } from '../core/safe-text.js';
import type { Snapshot } from '../core/snapshot.js';
import { UsageError } from '../errors.js';
import { FleetMetrics } from './fleet-metrics.js';

export interface ListenAddress {
  host: string;
  port: number;
}

export interface ExporterOptions {
  /** where a problem with exporting is reported: one line, without a trailing newline */
  warn?: (message: string) => void;
}

type Target = 'textfile' | 'http';

/** `host:port`, `[v6]:port`, or `:port` for every interface. */
export function parseListen(text: string): ListenAddress | null {
  const match = /^(?:\[([0-9a-fA-F:.]+)\]|([A-Za-z0-9_.-]*)):(\d{1,5})$/.exec(text.trim());
  if (!match) return null;
  const port = Number(match[3]);
  if (port > 65535) return null;
  return { host: match[1] ?? (match[2] || '0.0.0.0'), port };
}

export class MetricsExporter {
  private server: Server | null = null;
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

  private constructor(
    private readonly textfile: string | null,
    options: ExporterOptions,
  ) {
    this.warn = options.warn ?? (() => undefined);
    // Present from the start, at zero, so an alert on its increase has a baseline.
    if (textfile !== null) this.errors.inc({ target: 'textfile' }, 0);
  }

  /** Start serving; resolves with the exporter and the URL it serves, if any. */
  static async start(listen: ListenAddress | null, textfile: string | null, options: ExporterOptions = {}): Promise<{ exporter: MetricsExporter; url: string | null }> {
    const exporter = new MetricsExporter(textfile, options);
    if (listen === null) return { exporter, url: null };
    exporter.errors.inc({ target: 'http' }, 0);
    const server = createServer((request, response) => exporter.serve(request, response));
    // A client that sends garbage or hangs up mid-request: answer if possible, never crash.
    server.on('clientError', (error: NodeJS.ErrnoException, socket) => {
      exporter.failed('http', `a /metrics client failed (${error.code ?? error.message})`);
      if (socket.writable) socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n');
      else socket.destroy();
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', (error: NodeJS.ErrnoException) =>
        reject(new UsageError(`--listen ${listen.host}:${listen.port}: ${error.code === 'EADDRINUSE' ? 'address already in use' : error.code === 'EACCES' ? 'permission denied' : error.message}`, { cause: error })),
      );
      server.listen(listen.port, listen.host, () => resolve());
    });
    exporter.server = server;
    const address = server.address() as AddressInfo;
    const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
    return { exporter, url: `http://${host}:${address.port}/metrics` };
  }

  /** The exposition as served at /metrics, for a server that shares its port (the web view). */
  async scrape(): Promise<{ contentType: string; body: string }> {
    return { contentType: this.metrics.registry.contentType, body: await this.metrics.text() };
  }

  /** Take a new snapshot into the metrics and write the textfile. Never rejects: a failed write is reported and counted. */
  async update(snapshot: Snapshot): Promise<void> {
    this.metrics.update(snapshot);
    if (this.textfile === null) return;
    // Write beside the target, then rename: readers see the old file or the new one, never half.
    const temporary = `${this.textfile}.${process.pid}.tmp`;
    try {
      await writeFile(temporary, await this.metrics.text());
      await rename(temporary, this.textfile);
      this.recovered('textfile', `--textfile ${this.textfile}: written again`);
    } catch (error) {
      this.failed('textfile', `--textfile ${this.textfile}: cannot write (${describe(error)}); watching goes on`);
      await rm(temporary, { force: true }).catch(() => undefined);
    }
  }

  async close(): Promise<void> {
    const server = this.server;
    this.server = null;
    if (server) {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  }

  private serve(request: IncomingMessage, response: ServerResponse): void {
    // A client that resets while we answer makes the response emit 'error': count it, never let it throw.
    response.on('error', (error: NodeJS.ErrnoException) => this.failed('http', `a /metrics client failed (${error.code ?? error.message})`));
    if (request.method !== 'GET' || (request.url ?? '/').split('?')[0] !== '/metrics') {
      response.writeHead(404, { 'content-type': 'text/plain' }).end('pvlook serves /metrics\n');
      return;
    }
    this.metrics.text().then(
      (body) => {
        if (!response.destroyed) response.writeHead(200, { 'content-type': this.metrics.registry.contentType }).end(body);
      },
      (error: Error) => {
        if (!response.destroyed) response.writeHead(500, { 'content-type': 'text/plain' }).end(`${error.message}\n`);
      },
    );
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
