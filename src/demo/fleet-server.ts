/**
 * A loopback-only SSH server (ssh2's server class) standing in for a fleet:
 * each login name is one simulated host. It accepts exactly one public key,
 * runs exactly one command (pvlook's shell, answered by a SimulatedShell),
 * and never runs anything. Like a real fleet it can listen on many addresses
 * (127.x.y.z), so hosts are distinct destinations to the client.
 */
import ssh2 from 'ssh2';
import type { Connection, ParsedKey } from 'ssh2';
import { timingSafeEqual } from 'node:crypto';
import { createServer, type AddressInfo, type Server } from 'node:net';
import { SHELL_COMMAND } from '../core/shell-command.js';
import { SimulatedShell, type SimulatedHost } from './simulated-shell.js';


export interface FleetServer {
  port: number;
  close(): Promise<void>;
}

export interface FleetServerOptions {
  hostKey: string;
  /** the only client public key allowed in, OpenSSH format */
  clientPublicKey: string;
  hosts: Map<string, SimulatedHost>;
  /** seconds since the simulation began */
  clock: () => number;
  /** loopback addresses to listen on, all on one port (default 127.0.0.1); the first gets a free port */
  addresses?: readonly string[];
  /** a port to listen on instead of a free one */
  port?: number;
}

export async function startFleetServer(options: FleetServerOptions): Promise<FleetServer> {
  const allowed = ssh2.utils.parseKey(options.clientPublicKey) as ParsedKey;
  if (allowed instanceof Error) throw allowed;
  const allowedBlob = allowed.getPublicSSH();
  const ssh = new ssh2.Server({ hostKeys: [options.hostKey] }, (client) => {
    client.on('error', () => undefined);
    let host: SimulatedHost | undefined;
    client.on('authentication', (ctx) => {
      host = options.hosts.get(ctx.username);
      if (ctx.method !== 'publickey' || host === undefined || !sameBytes(ctx.key.data, allowedBlob)) return ctx.reject(['publickey']);
      // Without a signature the client is only asking whether the key would do.
      if (ctx.signature === undefined) return ctx.accept();
      return allowed.verify(ctx.blob as Buffer, ctx.signature, ctx.hashAlgo) === true ? ctx.accept() : ctx.reject(['publickey']);
    });
    client.on('ready', () => serveSessions(client, host, options.clock));
  });
  const addresses = options.addresses ?? ['127.0.0.1'];
  const listeners: Server[] = [];
  let port = options.port ?? 0;
  try {
    for (const address of addresses) {
      if (!isLoopback(address)) throw new Error(`the simulated fleet listens on loopback only, not ${address}`);
      const listener = createServer((socket) => {
        socket.setNoDelay(true);
        ssh.injectSocket(socket);
      });
      await new Promise<void>((resolve, reject) => {
        listener.once('error', reject);
        listener.listen(port, address, () => resolve());
      });
      listeners.push(listener);
      port = (listener.address() as AddressInfo).port;
    }
  } catch (error) {
    await Promise.all(listeners.map(closeServer));
    throw error;
  }
  return { port, close: () => Promise.all(listeners.map(closeServer)).then(() => undefined) };
}

function serveSessions(client: Connection, host: SimulatedHost | undefined, clock: () => number): void {
  client.on('session', (acceptSession) => {
    const session = acceptSession();
    session.on('exec', (accept, reject, info) => {
      if (info.command !== SHELL_COMMAND) return reject?.();
      const stream = accept();
      const shell = new SimulatedShell(host, clock, (text) => stream.write(text));
      stream.on('data', (chunk: Buffer) => shell.feed(chunk.toString('utf8')));
      stream.on('end', () => {
        stream.exit(0);
        stream.end();
      });
    });
  });
}

function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => server.close(() => resolve()));
}

function isLoopback(ip: string): boolean {
  return ip === '::1' || ip.startsWith('127.');
}

function sameBytes(a: Buffer, b: Buffer): boolean {
  return a.length === b.length && timingSafeEqual(a, b);
}

/** Loopback addresses for `count` simulated hosts, `perAddress` to each (127.1.x.y, clear of 127.0.0.1). */
export function fleetAddresses(count: number, perAddress: number): string[] {
  return Array.from({ length: Math.ceil(count / perAddress) }, (_, i) => `127.1.${Math.floor(i / 250)}.${(i % 250) + 1}`);
}
