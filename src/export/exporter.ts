/**
 * Where the metrics go: an HTTP endpoint for Prometheus to scrape (--listen)
 * and/or a file for node_exporter's textfile collector (--textfile), rewritten
 * atomically every tick so the collector never reads half a file.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { rename, writeFile } from 'node:fs/promises';
import type { Snapshot } from '../core/snapshot.js';
import { UsageError } from '../errors.js';
import { FleetMetrics } from './fleet-metrics.js';

export interface ListenAddress {
  host: string;
  port: number;
}

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
  private readonly metrics = new FleetMetrics();

  private constructor(private readonly textfile: string | null) {}

  /** Start serving; resolves with the exporter and the URL it serves, if any. */
  static async start(listen: ListenAddress | null, textfile: string | null): Promise<{ exporter: MetricsExporter; url: string | null }> {
    const exporter = new MetricsExporter(textfile);
    if (listen === null) return { exporter, url: null };
    const server = createServer((request, response) => {
      if (request.method !== 'GET' || (request.url ?? '/').split('?')[0] !== '/metrics') {
        response.writeHead(404, { 'content-type': 'text/plain' }).end('pvlook serves /metrics\n');
        return;
      }
      exporter.metrics.text().then(
        (body) => response.writeHead(200, { 'content-type': exporter.metrics.registry.contentType }).end(body),
        (error: Error) => response.writeHead(500, { 'content-type': 'text/plain' }).end(`${error.message}\n`),
      );
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

  async update(snapshot: Snapshot): Promise<void> {
    this.metrics.update(snapshot);
    if (this.textfile !== null) {
      // Write beside the target, then rename: readers see the old file or the new one, never half.
      const temporary = `${this.textfile}.${process.pid}.tmp`;
      await writeFile(temporary, await this.metrics.text());
      await rename(temporary, this.textfile);
    }
  }

  async close(): Promise<void> {
    const server = this.server;
    this.server = null;
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}
