/**
 * pvlook's one HTTP server: the web view's page, its live feed at /events
 * (a whole state, then each tick's changes, as Server-Sent Events; `?full`
 * for the `--json` object of every snapshot), each host's recent rates at
 * /history, and /metrics; --listen alone serves /metrics only. Every route
 * is behind the same access rule (access.ts), and failed token attempts are
 * throttled per client address (token-throttle.ts). Nothing here may stop
 * pvlook: request errors are answered or dropped, and publishing never waits
 * for a browser. docs/web.md describes the routes.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Snapshot } from '../core/snapshot.js';
import type { ListenAddress } from '../config/web-address.js';
import { UsageError } from '../errors.js';
import { checkAccess } from './access.js';
import { EventStream, type EventStreamOptions } from './event-stream.js';
import { hostHistory } from './host-history.js';
import { StreamEncoder } from './stream-encoder.js';
import { TokenThrottle, type ThrottleOptions } from './token-throttle.js';
import { loadPageAssets, PAGE_FILES, type Asset } from './page-assets.js';
import { formatAddress } from '../config/web-address.js';

export interface WebOptions {
  address: ListenAddress;
  /** how the user named the address, for messages */
  source?: string;
  /** required on every request when set */
  token: string | null;
  /** false: /metrics only (--listen without --web) */
  page?: boolean;
  /** serve Prometheus metrics at /metrics (--listen, alone or at the web view's address) */
  metrics?: MetricsRoute;
  stream?: EventStreamOptions;
  /** how much of each log's rates pages get (default ten minutes), ms */
  historyMs?: number;
  throttle?: ThrottleOptions;
  /** told of every failed token attempt, to be counted in the metrics */
  onTokenFailure?: () => void;
  /** the clock for the throttle (tests) */
  now?: () => number;
}

/**
 * The page may load only its own files and open only its own event stream;
 * no inline script or style, no frames, no forms.
 */
const SECURITY_HEADERS = {
  'content-security-policy': "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'cross-origin-opener-policy': 'same-origin',
  'cross-origin-resource-policy': 'same-origin',
};

export interface MetricsRoute {
  scrape(): Promise<{ contentType: string; body: string }>;
  /** a /metrics client that failed mid-request, to be counted and reported */
  failed(message: string): void;
}

export class WebServer {
  private constructor(
    private readonly server: Server,
    readonly events: EventStream,
    private readonly encoder: StreamEncoder,
    /** http://host:port/ as bound (the real port when 0 was asked for) */
    readonly url: string,
  ) {}

  static async start(options: WebOptions): Promise<WebServer> {
    const page = options.page ?? true;
    const assets = page ? await loadPageAssets() : new Map<string, Asset>();
    const encoder = new StreamEncoder(options.historyMs);
    const events = new EventStream(options.stream, () => encoder.state());
    const throttle = new TokenThrottle(options.throttle);
    const routes = new Set([...(page ? [...Object.keys(PAGE_FILES), '/events', '/history'] : []), ...(options.metrics ? ['/metrics'] : [])]);
    let port = options.address.port;
    const server = createServer((request, response) => {
      response.on('error', (error: NodeJS.ErrnoException) => {
        if (options.metrics && request.url?.startsWith('/metrics')) options.metrics.failed(`a /metrics client failed (${error.code ?? error.message})`);
        response.destroy();
      });
      // On every answer, the event stream, /metrics and errors included.
      for (const [name, value] of Object.entries(SECURITY_HEADERS)) response.setHeader(name, value);
      try {
        handle(request, response, { ...options, assets, events, encoder, throttler: throttle, routes, port });
      } catch (error) {
        if (!response.headersSent) response.writeHead(500, { 'content-type': 'text/plain' }).end(`${(error as Error).message}\n`);
        else response.destroy();
      }
    });
    // A broken request or socket concerns that client only (a scraper's is counted).
    server.on('clientError', (error: NodeJS.ErrnoException, socket) => {
      options.metrics?.failed(`a ${page ? 'web' : '/metrics'} client failed (${error.code ?? error.message})`);
      if (socket.writable) socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n');
      else socket.destroy();
    });
    await new Promise<void>((resolve, reject) => {
      const where = formatAddress(options.address);
      server.once('error', (error: NodeJS.ErrnoException) => {
        // Not serving after all: the stream's heartbeat must not outlive the attempt.
        events.close();
        reject(new UsageError(`${options.source ?? '--web'} ${where}: ${error.code === 'EADDRINUSE' ? 'address already in use' : error.code === 'EACCES' ? 'permission denied' : error.message}`, { cause: error }));
      });
      server.listen(options.address.port, options.address.host, () => resolve());
    });
    server.on('error', () => {});
    const bound = server.address() as AddressInfo;
    port = bound.port;
    return new WebServer(server, events, encoder, `http://${formatAddress({ host: bound.address, port: bound.port })}/`);
  }

  /** Hand every open page this snapshot; returns at once. */
  publish(snapshot: Snapshot): void {
    this.events.publish(this.encoder.encode(snapshot));
  }

  async close(): Promise<void> {
    this.events.close();
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    this.server.closeAllConnections();
    await closed;
  }
}

interface Context extends WebOptions {
  assets: Map<string, Asset>;
  events: EventStream;
  encoder: StreamEncoder;
  throttler: TokenThrottle;
  routes: Set<string>;
  port: number;
}

function handle(request: IncomingMessage, response: ServerResponse, context: Context): void {
  if (request.method !== 'GET' && request.method !== 'HEAD') {
    response.writeHead(405, { allow: 'GET, HEAD', 'content-type': 'text/plain' }).end('method not allowed\n');
    return;
  }
  const address = request.socket.remoteAddress ?? '';
  const now = (context.now ?? Date.now)();
  const wait = context.token === null ? 0 : context.throttler.waitSeconds(address, now);
  if (wait > 0) {
    response
      .writeHead(429, { 'content-type': 'text/plain; charset=utf-8', 'retry-after': String(wait), 'cache-control': 'no-store', ...SECURITY_HEADERS })
      .end(`pvlook: too many wrong tokens from this address; try again in ${wait}s.\n`);
    return;
  }
  const access = checkAccess(request, context.token, context.port, context.routes);
  if (access.kind === 'denied' && access.guess === true) {
    context.throttler.failed(address, now, access.given);
    context.onTokenFailure?.();
  }
  if (access.kind === 'denied') {
    response
      .writeHead(401, { 'content-type': 'text/plain; charset=utf-8', 'www-authenticate': 'Bearer realm="pvlook"', 'cache-control': 'no-store', ...SECURITY_HEADERS })
      .end(`pvlook: ${access.reason}. ${context.routes.has('/') ? 'Open /?token=TOKEN once in this browser, or send' : 'Send'} "Authorization: Bearer TOKEN".\n`);
    return;
  }
  if (access.kind === 'remember') {
    response.writeHead(303, { location: access.location, 'set-cookie': access.cookie, 'cache-control': 'no-store', ...SECURITY_HEADERS }).end();
    return;
  }
  const url = new URL(request.url ?? '/', 'http://pvlook.invalid');
  const path = url.pathname;
  if (path === '/events' && request.method === 'GET' && context.routes.has('/events')) {
    context.events.open(request, response, url.searchParams.has('full'));
    return;
  }
  if (path === '/history' && context.routes.has('/history')) {
    const host = url.searchParams.get('host') ?? '';
    const body = JSON.stringify(hostHistory(context.encoder, host));
    response.writeHead(200, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' }).end(request.method === 'HEAD' ? undefined : body);
    return;
  }
  if (path === '/metrics' && context.metrics) {
    context.metrics.scrape().then(
      ({ contentType, body }) => response.writeHead(200, { 'content-type': contentType }).end(body),
      (error: Error) => response.writeHead(500, { 'content-type': 'text/plain' }).end(`${error.message}\n`),
    );
    return;
  }
  const asset = context.assets.get(path);
  if (!asset) {
    response.writeHead(404, { 'content-type': 'text/plain', ...SECURITY_HEADERS }).end('not found\n');
    return;
  }
  const headers = { 'content-type': asset.contentType, etag: asset.etag, 'cache-control': 'no-cache', ...SECURITY_HEADERS };
  if (request.headers['if-none-match'] === asset.etag) {
    response.writeHead(304, headers).end();
    return;
  }
  response.writeHead(200, { ...headers, 'content-length': asset.body.length });
  response.end(request.method === 'HEAD' ? undefined : asset.body);
}
