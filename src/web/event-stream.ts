/**
 * Server-Sent Events to every open page: one `data:` line per tick with the
 * snapshot's JSON, serialized once for all clients. Writing never waits for
 * a client: a browser that stops reading (a sleeping laptop, a stuck tab) is
 * dropped once its socket buffer holds more than 256 KiB or two events,
 * whichever is more, so memory stays bounded (at most that per page, for at
 * most the page limit) and the sampler never notices it.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';

export interface EventStreamOptions {
  /** how long a browser waits before reconnecting after pvlook went away, ms */
  retryMs?: number;
  /** a comment line this often keeps proxies and idle timeouts from closing a quiet stream, ms */
  heartbeatMs?: number;
  /** more open streams than this are refused (each holds a socket and a buffer) */
  maxClients?: number;
  /** a client is dropped when its unsent bytes exceed this, or two events, whichever is more */
  maxBufferedBytes?: number;
}

export class EventStream {
  private readonly clients = new Set<ServerResponse>();
  private latest: string | null = null;
  private readonly heartbeat: NodeJS.Timeout;
  private readonly retryMs: number;
  private readonly maxClients: number;
  private readonly maxBufferedBytes: number;
  /** clients dropped for reading too slowly, for tests and diagnostics */
  dropped = 0;

  constructor(options: EventStreamOptions = {}) {
    this.retryMs = options.retryMs ?? 2000;
    this.maxClients = options.maxClients ?? 100;
    this.maxBufferedBytes = options.maxBufferedBytes ?? 256 << 10;
    this.heartbeat = setInterval(() => this.broadcast(': ping\n\n'), options.heartbeatMs ?? 15_000);
    this.heartbeat.unref();
  }

  get size(): number {
    return this.clients.size;
  }

  /** Answer a GET /events: headers, the retry delay, and the latest snapshot at once so a new page fills immediately. */
  open(request: IncomingMessage, response: ServerResponse): void {
    if (this.clients.size >= this.maxClients) {
      response.writeHead(503, { 'content-type': 'text/plain; charset=utf-8', 'retry-after': '10' }).end('too many open pages\n');
      return;
    }
    response.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-store',
      // Reverse proxies (nginx) would otherwise buffer the stream.
      'x-accel-buffering': 'no',
    });
    response.write(`retry: ${this.retryMs}\n\n`);
    if (this.latest !== null) response.write(this.latest);
    this.clients.add(response);
    const forget = () => this.clients.delete(response);
    response.on('close', forget);
    response.on('error', forget);
    request.on('error', forget);
  }

  /** Send one snapshot's JSON (a single line) to every client. */
  publish(json: string): void {
    this.latest = `data: ${json}\n\n`;
    this.broadcast(this.latest);
  }

  /** End every stream (pvlook is stopping; the pages will reconnect to the next one). */
  close(): void {
    clearInterval(this.heartbeat);
    for (const client of this.clients) client.end();
    this.clients.clear();
  }

  private broadcast(message: string): void {
    const limit = Math.max(this.maxBufferedBytes, 2 * message.length);
    for (const client of this.clients) {
      if (client.writableLength > limit || client.destroyed) {
        this.clients.delete(client);
        this.dropped++;
        client.destroy();
        continue;
      }
      client.write(message);
    }
  }
}
