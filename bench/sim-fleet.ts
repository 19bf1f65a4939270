/**
 * The simulated fleet for benchmarks, run as its own processes so their CPU
 * is not counted as pvlook's: ssh2 SSH servers on loopback (node:cluster
 * workers sharing one port) where each login name is one host answering
 * pvlook's probe from in-memory counters.
 *
 *   tsx bench/sim-fleet.ts <hosts> <folder> [workers]
 * writes <folder>/id_ed25519 (the client key) and <folder>/known_hosts, then
 * prints one JSON line {"port": N} and serves until killed.
 */
import cluster from 'node:cluster';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { startFleetServer, type SimulatedHost } from '../src/demo/fleet-server.js';
import { generateKeyPair } from '../src/demo/key-pair.js';
import { SimulatedLog } from '../src/demo/simulated-log.js';

const [countText, folder, workersText] = process.argv.slice(2);
const count = Number(countText);
const workers = Number(workersText ?? 1);
if (!(count > 0) || !folder) throw new Error('usage: sim-fleet.ts <hosts> <folder> [workers]');
const hostKeyFile = path.join(folder, 'host_ed25519');

if (cluster.isPrimary) {
  const hostKey = generateKeyPair();
  const clientKey = generateKeyPair();
  writeFileSync(hostKeyFile, hostKey.private, { mode: 0o600 });
  writeFileSync(path.join(folder, 'id_ed25519'), clientKey.private, { mode: 0o600 });
  writeFileSync(path.join(folder, 'id_ed25519.pub'), clientKey.public);
  let port = 0;
  let listening = 0;
  for (let i = 0; i < workers; i++) {
    cluster.fork().on('listening', (address) => {
      port = address.port;
      if (++listening === workers) {
        writeFileSync(path.join(folder, 'known_hosts'), `[127.0.0.1]:${port} ${hostKey.public}\n`);
        process.stdout.write(JSON.stringify({ port }) + '\n');
      }
    });
  }
  process.on('SIGTERM', () => process.exit(0));
} else {
  const hosts = new Map<string, SimulatedHost>();
  for (let i = 0; i < count; i++) {
    const rate = 50 + (i % 200);
    hosts.set(`h${String(i + 1).padStart(5, '0')}`, { logs: new Map([['/var/log/nginx/access.log', new SimulatedLog({ rate: () => rate })]]) });
  }
  const begun = Date.now();
  await startFleetServer({
    hostKey: readFileSync(hostKeyFile, 'utf8'),
    clientPublicKey: readFileSync(path.join(folder, 'id_ed25519.pub'), 'utf8'),
    hosts,
    clock: () => (Date.now() - begun) / 1000,
  });
}
