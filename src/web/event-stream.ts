/**
 * Server-Sent Events to every open page (docs/web.md). A page gets the whole
 * state once (`event: state`), then each tick's changes (`event: tick`); a
 * script that asks for `?full` gets each tick's whole `--json` object as a
 * plain `data:` line instead. Every message is serialized once for all
 * clients; where the client accepts gzip each stream is compressed and
 * flushed per message, so it still arrives at once.
 *
 * Writing never waits for a client: a browser that stops reading (a sleeping
 * laptop, a stuck tab) is dropped once more than 256 KiB or two messages'
 * text, whichever is more, wait unsent for it, so memory stays bounded (about
 * that per page, for at most the page limit) and the sampler never notices
 * it. What waits is counted as it is held: for a gzip stream, the text not yet
 * compressed plus the compressed bytes not yet written to the socket (the
 * socket's own buffer and the kernel's are not counted, nor zlib's fixed
 * ~256 KiB per stream). A stalled gzip stream backs up into the compressor's
 * input, so it too is dropped after about 256 KiB of message text.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { constants, createGzip, type Gzip } from 'node:zlib';

export interface EventStreamOptions {
  /** how long a browser waits before reconnecting after pvlook went away, ms */
  retryMs?: number;
  /** a comment line this often keeps proxies and idle timeouts from closing a quiet stream, ms */
  heartbeatMs?: number;
  /** more open streams than this are refused (each holds a socket and a buffer) */
  maxClients?: number;
  /** a client is dropped when its unsent bytes (as held: text before the compressor, compressed after it) exceed this, or two messages' text, whichever is more */
  maxBufferedBytes?: number;
}

/**
 * What one tick sends: the whole object for `?full` clients; the changes, or
 * null when pages need a new state. Each is read only when a client of its
 * kind is open (the encoder builds it on first reading).
 */
export interface TickMessages {
  readonly full: string;
  readonly delta: string | null;
}

interface Client {
  response: ServerResponse;
  /** the compressor in front of the response, when the client accepts gzip */
  gzip: Gzip | null;
  /** whole --json objects each tick, rather than a state and changes */
  full: boolean;
}

export class EventStream {
  private readonly clients = new Set<Client>();
  private latest: TickMessages | null = null;
  private readonly heartbeat: NodeJS.Timeout;
  private readonly retryMs: number;
  private readonly maxClients: number;
  private readonly maxBufferedBytes: number;
  /** clients dropped for reading too slowly, for tests and diagnostics */
  dropped = 0;

  /** @param state the whole state as of the latest tick, for a page that opens or must start again; null before the first */
  constructor(
    options: EventStreamOptions = {},
    private readonly state: () => string | null = () => null,
  ) {
    this.retryMs = options.retryMs ?? 2000;
    this.maxClients = options.maxClients ?? 100;
    this.maxBufferedBytes = options.maxBufferedBytes ?? 256 << 10;
    this.heartbeat = setInterval(() => this.broadcast(() => ': ping\n\n'), options.heartbeatMs ?? 15_000);
    this.heartbeat.unref();
  }

  get size(): number {
    return this.clients.size;
  }

  /** Answer a GET /events: headers, the retry delay, and at once the latest state (or snapshot, for `?full`) so a new page fills immediately. */
  open(request: IncomingMessage, response: ServerResponse, full: boolean): void {
    if (this.clients.size >= this.maxClients) {
      response.writeHead(503, { 'content-type': 'text/plain; charset=utf-8', 'retry-after': '10' }).end('too many open pages\n');
      return;
    }
    const gzip = acceptsGzip(request.headers['accept-encoding']) ? createGzip({ level: 6 }) : null;
    response.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-store',
      // Reverse proxies (nginx) would otherwise buffer the stream.
      'x-accel-buffering': 'no',
      vary: 'accept-encoding',
      ...(gzip ? { 'content-encoding': 'gzip' } : {}),
    });
    if (gzip) {
      gzip.pipe(response);
      gzip.on('error', () => response.destroy());
    }
    const client: Client = { response, gzip, full };
    this.send(client, `retry: ${this.retryMs}\n\n`);
    const first = full ? (this.latest?.full ?? null) : this.state();
    if (first !== null) this.send(client, full ? `data: ${first}\n\n` : `event: state\ndata: ${first}\n\n`);
    this.clients.add(client);
    const forget = () => {
      this.clients.delete(client);
      gzip?.destroy();
    };
    response.on('close', forget);
    response.on('error', forget);
    request.on('error', forget);
  }

  /** Send one tick to every client: its changes to pages (or a new state), its whole object to `?full` streams. */
  publish(messages: TickMessages): void {
    this.latest = messages;
    let full: string | null = null;
    let delta: string | null = null;
    this.broadcast((client) => {
      if (client.full) return (full ??= `data: ${messages.full}\n\n`);
      return (delta ??= messages.delta !== null ? `event: tick\ndata: ${messages.delta}\n\n` : `event: state\ndata: ${this.state() ?? '{}'}\n\n`);
    });
  }

  /** End every stream (pvlook is stopping; the pages will reconnect to the next one). */
  close(): void {
    clearInterval(this.heartbeat);
    for (const client of this.clients) {
      if (client.gzip) client.gzip.end();
      else client.response.end();
    }
    this.clients.clear();
  }

  private broadcast(messageFor: (client: Client) => string): void {
    for (const client of this.clients) {
      const message = messageFor(client);
      const limit = Math.max(this.maxBufferedBytes, 2 * message.length);
      // Compressed bytes queued for the socket, compressed bytes the compressor holds back, text it has not compressed yet.
      const unsent = client.response.writableLength + (client.gzip ? client.gzip.readableLength + client.gzip.writableLength : 0);
      if (unsent > limit || client.response.destroyed) {
        this.clients.delete(client);
        this.dropped++;
        client.gzip?.destroy();
        client.response.destroy();
        continue;
      }
      this.send(client, message);
    }
  }

  private send(client: Client, message: string): void {
    if (client.gzip === null) {
      client.response.write(message);
      return;
    }
    client.gzip.write(message);
    // Each message is complete on the wire at once, not when the compressor's buffer fills.
    client.gzip.flush(constants.Z_SYNC_FLUSH);
  }
}

/** gzip unless the client refuses it (q=0) or does not name it (or `*`). */
export function acceptsGzip(header: string | undefined): boolean {
  if (!header) return false;
  for (const part of header.split(',')) {
    const [name = '', ...params] = part.trim().toLowerCase().split(';');
    if (name !== 'gzip' && name !== '*') continue;
    const q = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
    return q === undefined || Number(q.slice(2)) > 0;
  }
  return false;
}
