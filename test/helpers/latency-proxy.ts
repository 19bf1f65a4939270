/**
 * Distance on loopback: a TCP proxy that holds every chunk for `delayMs` in
 * each direction, so a real sshd (or the simulated fleet) answers from
 * 2 × delayMs of round trip away. It listens on several loopback addresses,
 * one per simulated host, so each host is its own destination as in a real
 * fleet. This machine has no netem; this is the next best thing, and it
 * delays exactly what SSH sends (handshake, channel opens, data).
 */
import { createServer, connect, type Server, type Socket } from 'node:net';

export interface LatencyProxy {
  /** the port every address listens on */
  port: number;
  addresses: readonly string[];
  /**
   * Round trips so far, over every connection: each time the server answers
   * after the client has sent, one more. A client that sends ahead without
   * waiting for the answer saves one.
   */
  roundTrips(): number;
  close(): Promise<void>;
}

export async function startLatencyProxy(options: { addresses: readonly string[]; target: { host: string; port: number }; delayMs: number; port?: number }): Promise<LatencyProxy> {
  const servers: Server[] = [];
  const sockets = new Set<Socket>();
  const track = (socket: Socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
    socket.on('error', () => socket.destroy());
  };
  let port = options.port ?? 0;
  let roundTrips = 0;
  for (const address of options.addresses) {
    const server = createServer((client) => {
      const upstream = connect(options.target.port, options.target.host);
      for (const socket of [client, upstream]) {
        socket.setNoDelay(true);
        track(socket);
      }
      // Which way the last chunk went: a server chunk after a client one closes a round trip.
      let last: 'client' | 'server' = 'server';
      // The TCP handshake is a round trip of its own.
      roundTrips++;
      relay(client, upstream, options.delayMs, () => (last = 'client'));
      relay(upstream, client, options.delayMs, () => {
        if (last === 'client') roundTrips++;
        last = 'server';
      });
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, address, () => resolve());
    });
    port = (server.address() as { port: number }).port;
    servers.push(server);
  }
  return {
    port,
    addresses: options.addresses,
    roundTrips: () => roundTrips,
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await Promise.all(servers.map((server) => new Promise<void>((resolve) => server.close(() => resolve()))));
    },
  };
}

/** Everything read from `from` reaches `to` `delayMs` later, in order, the end of the stream included. */
function relay(from: Socket, to: Socket, delayMs: number, onChunk: () => void = () => undefined): void {
  from.on('data', (chunk: Buffer) => {
    onChunk();
    setTimeout(() => {
      if (!to.destroyed) to.write(chunk);
    }, delayMs);
  });
  from.once('end', () => setTimeout(() => to.end(), delayMs));
  from.once('close', () => setTimeout(() => to.destroy(), delayMs + 1));
}
