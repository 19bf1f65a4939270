/**
 * `pvlook demo`: a live view with zero setup. A loopback SSH server inside
 * this process serves simulated hosts, and pvlook samples them through the
 * very same SSH transport, host-key check included, that real hosts get.
 */
import { DEFAULT_PEER_OPTIONS } from '../core/peer-compare.js';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, type AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import type { CliArgs } from './args.js';
import { resolveOptions, type ResolveContext } from '../config/resolve.js';
import { demoFleet } from '../demo/demo-fleet.js';
import { UsageError, quote } from '../errors.js';
import { fleetAddresses, startFleetServer } from '../demo/fleet-server.js';
import { generateKeyPair } from '../demo/key-pair.js';
import { SshTransport } from '../transport/ssh-transport.js';
import type { SshSettings } from '../transport/ssh-settings.js';
import { runSession, shellProber, type MainIO } from './session.js';

/** Simulated hosts per loopback address: like a real fleet, hosts are mostly distinct destinations. */
const HOSTS_PER_ADDRESS = 4;
const DEMO_HOST_KEY_ALIAS = 'pvlook-demo-fleet';

export async function runDemo(args: CliArgs, context: ResolveContext, io: MainIO): Promise<number> {
  // The demo ignores config files: it must look the same on every machine.
  const options = resolveOptions({ ...args, watch: args.watch ?? true }, context, {}, null);
  const fleet = demoFleet(fleetSize(args.fleet));
  const hostKey = generateKeyPair();
  const clientKey = generateKeyPair();
  const begun = Date.now();
  const addresses = fleetAddresses(fleet.plans.length, HOSTS_PER_ADDRESS);
  const server = await startFleetServer({
    hostKey: hostKey.private,
    clientPublicKey: clientKey.public,
    hosts: fleet.simulation,
    clock: () => (Date.now() - begun) / 1000,
    addresses,
  });
  const addressOf = new Map(fleet.plans.map((plan, i) => [plan.spec.label, addresses[Math.floor(i / HOSTS_PER_ADDRESS)]!]));
  const dir = await mkdtemp(path.join(os.tmpdir(), 'pvlook-demo-'));
  try {
    const keyFile = path.join(dir, 'id_ed25519');
    const knownHosts = path.join(dir, 'known_hosts');
    await writeFile(keyFile, clientKey.private, { mode: 0o600 });
    await writeFile(knownHosts, `${DEMO_HOST_KEY_ALIAS} ${hostKey.public}\n`);
    const closedPort = await unusedPort();
    const settingsFor = (label: string): SshSettings => ({
      hostname: fleet.down.has(label) ? '127.0.0.1' : (addressOf.get(label) ?? '127.0.0.1'),
      port: fleet.down.has(label) ? closedPort : server.port,
      user: label,
      identityFiles: [keyFile],
      knownHostsFiles: [knownHosts],
      hostKeyAlias: DEMO_HOST_KEY_ALIAS,
      proxyJump: null,
      proxyCommand: null,
      hashKnownHosts: false,
    });
    const config = { ...options, hosts: fleet.plans, thresholdsFor: () => ({}), peersFor: () => DEFAULT_PEER_OPTIONS };
    const transport = new SshTransport({ resolveSettings: async (spec) => settingsFor(spec.label), agentSocket: undefined });
    return await runSession(config, shellProber(transport), io, 'demo fleet (simulated, loopback SSH)');
  } finally {
    await server.close();
    await rm(dir, { recursive: true, force: true });
  }
}

function fleetSize(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const size = Number(text);
  if (!/^\d+$/.test(text) || size < 1 || size > 20_000) throw new UsageError(`--fleet ${quote(text)}: expected a number of hosts from 1 to 20000`);
  return size;
}

/** A loopback port with nothing listening on it. */
async function unusedPort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as AddressInfo;
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return port;
}
