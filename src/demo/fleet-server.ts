/**
 * A loopback-only SSH server (ssh2's server class) standing in for a fleet:
 * each login name is one simulated host. It accepts exactly one public key,
 * runs exactly one command (pvlook's probe), and never runs a shell.
 */
import ssh2 from 'ssh2';
import type { Connection, ParsedKey } from 'ssh2';
import { timingSafeEqual } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { parseProbeScript, PROBE_COMMAND, type LogProbe } from '../core/probe.js';
import { formatProbeOutput, SimulatedLog } from './simulated-log.js';

export interface SimulatedHost {
  /** log path → simulated log */
  logs: Map<string, SimulatedLog>;
}

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
}

export async function startFleetServer(options: FleetServerOptions): Promise<FleetServer> {
  const allowed = ssh2.utils.parseKey(options.clientPublicKey) as ParsedKey;
  if (allowed instanceof Error) throw allowed;
  const allowedBlob = allowed.getPublicSSH();
  const server = new ssh2.Server({ hostKeys: [options.hostKey] }, (client, info) => {
    if (!isLoopback(info.ip)) {
      client.end();
      return;
    }
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
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    port,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

function serveSessions(client: Connection, host: SimulatedHost | undefined, clock: () => number): void {
  client.on('session', (acceptSession) => {
    const session = acceptSession();
    session.on('exec', (accept, reject, info) => {
      if (info.command !== PROBE_COMMAND) return reject?.();
      const stream = accept();
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        const t = clock();
        const requests = parseProbeScript(Buffer.concat(chunks).toString('utf8'));
        const logs = requests.map((request): LogProbe => host?.logs.get(request.path)?.probe(request, t) ?? { kind: 'missing' });
        stream.write(formatProbeOutput(Date.now() / 1000, logs));
        stream.exit(0);
        stream.end();
      });
    });
  });
}

function isLoopback(ip: string): boolean {
  return ip === '::1' || ip.startsWith('127.') || ip.startsWith('::ffff:127.');
}

function sameBytes(a: Buffer, b: Buffer): boolean {
  return a.length === b.length && timingSafeEqual(a, b);
}
