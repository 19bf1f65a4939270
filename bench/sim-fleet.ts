/**
 * The simulated fleet for benchmarks, run as its own processes so their CPU
 * is not counted as pvlook's: ssh2 SSH servers (node:cluster workers sharing
 * the ports) where each login name is one host answering pvlook's requests
 * from in-memory counters. Hosts listen on their own loopback addresses, four
 * to an address, as a real fleet's hosts are distinct destinations. With a
 * delay, every host sits behind a latency proxy (in this process too) that
 * holds each chunk that long in each direction.
 *
 *   tsx bench/sim-fleet.ts <hosts> <folder> [workers] [one-way delay ms]
 * writes <folder>/id_ed25519 (the client key) and <folder>/known_hosts (for
 * HostKeyAlias pvlook-bench), then prints one JSON line
 * {"port": N, "addresses": [...]} (host i uses addresses[floor(i / 4)]) and
 * serves until killed.
 */
import cluster from 'node:cluster';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fleetAddresses, startFleetServer } from '../src/demo/fleet-server.js';
import { type SimulatedHost } from '../src/demo/simulated-shell.js';
import { generateKeyPair } from '../src/demo/key-pair.js';
import { SimulatedLog } from '../src/demo/simulated-log.js';
import { startLatencyProxy } from '../test/helpers/latency-proxy.js';

export const HOSTS_PER_ADDRESS = 4;
export const BENCH_HOST_KEY_ALIAS = 'pvlook-bench';

const [countText, folder, workersText, delayText] = process.argv.slice(2);
const count = Number(countText);
const workers = Number(workersText ?? 1);
const delayMs = Number(delayText ?? 0);
if (!(count > 0) || !folder) throw new Error('usage: sim-fleet.ts <hosts> <folder> [workers] [delay ms]');
const hostKeyFile = path.join(folder, 'host_ed25519');
const addresses = fleetAddresses(count, HOSTS_PER_ADDRESS);
// Behind a proxy, the servers listen on one address and the proxy on every host's own.
const serverAddresses = delayMs > 0 ? ['127.0.0.1'] : addresses;

if (cluster.isPrimary) {
  const hostKey = generateKeyPair();
  const clientKey = generateKeyPair();
  writeFileSync(hostKeyFile, hostKey.private, { mode: 0o600 });
  writeFileSync(path.join(folder, 'id_ed25519'), clientKey.private, { mode: 0o600 });
  writeFileSync(path.join(folder, 'id_ed25519.pub'), clientKey.public);
  writeFileSync(path.join(folder, 'known_hosts'), `${BENCH_HOST_KEY_ALIAS} ${hostKey.public}\n`);
  const port = await new Promise<number>((resolve) => {
    let listening = 0;
    for (let i = 0; i < workers; i++) {
      cluster.fork().on('message', (message: { port: number }) => {
        if (++listening === workers) resolve(message.port);
      });
    }
  });
  const proxy = delayMs > 0 ? await startLatencyProxy({ addresses, target: { host: '127.0.0.1', port }, delayMs }) : null;
  process.stdout.write(JSON.stringify({ port: proxy?.port ?? port, addresses }) + '\n');
  process.on('SIGTERM', () => process.exit(0));
} else {
  const hosts = new Map<string, SimulatedHost>();
  for (let i = 0; i < count; i++) {
    const rate = 50 + (i % 200);
    hosts.set(`h${String(i + 1).padStart(5, '0')}`, { logs: new Map([['/var/log/nginx/access.log', new SimulatedLog({ rate: () => rate })]]) });
  }
  const begun = Date.now();
  // Cluster workers listening on port 0 of the same address are handed the same port by the primary.
  const server = await startFleetServer({
    hostKey: readFileSync(hostKeyFile, 'utf8'),
    clientPublicKey: readFileSync(path.join(folder, 'id_ed25519.pub'), 'utf8'),
    hosts,
    clock: () => (Date.now() - begun) / 1000,
    addresses: serverAddresses,
  });
  process.send?.({ port: server.port });
}
