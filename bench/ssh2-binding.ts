/**
 * What ssh2's optional native crypto binding (built by its install script,
 * which package.json's allowScripts approves) saves pvlook per SSH packet:
 * ssh2's own packet cipher for aes128-gcm@openssh.com (the cipher pvlook's
 * client negotiates first), encrypting and decrypting packets of a sample's
 * size, through ssh2's JavaScript path (a new OpenSSL cipher per packet) and,
 * where the binding is built, through the binding. CPU time (user+system) of
 * this process, median of --runs.
 *
 *   npx tsx bench/ssh2-binding.ts [--packets 20000 --runs 5 --bytes 200]
 *
 * End to end, the same question is asked by `npm run bench -- --no-compare`
 * run with and without node_modules/ssh2/lib/protocol/crypto/build/Release/
 * sshcrypto.node (see BENCHMARKS.md).
 */
import { randomBytes } from 'node:crypto';
import { createRequire } from 'node:module';
import { parseArgs } from 'node:util';
import { median, round } from './stats.js';

interface CipherInfo {
  keyLen: number;
  ivLen: number;
}
interface Ssh2Cipher {
  allocPacket(payloadLength: number): Buffer;
  encrypt(packet: Buffer): void;
  free(): void;
}
interface Ssh2Decipher {
  decrypt(data: Buffer, start: number, end: number): void;
  free(): void;
}
/** The part of ssh2's internal crypto module this bench uses (it has no types). */
interface Ssh2Crypto {
  bindingAvailable: boolean;
  CIPHER_INFO: Record<string, CipherInfo>;
  createCipher(config: { outbound: object }): Ssh2Cipher;
  createDecipher(config: { inbound: object }): Ssh2Decipher;
}

const { values } = parseArgs({ options: { packets: { type: 'string', default: '20000' }, runs: { type: 'string', default: '5' }, bytes: { type: 'string', default: '200' } } });
const packets = Number(values.packets);
const runs = Number(values.runs);
const payloadBytes = Number(values.bytes);

const crypto = createRequire(import.meta.url)('ssh2/lib/protocol/crypto.js') as Ssh2Crypto;
const CIPHER = 'aes128-gcm@openssh.com';
const info = crypto.CIPHER_INFO[CIPHER]!;

/** CPU microseconds per packet, encrypted and then decrypted, through the binding or ssh2's JavaScript path. */
function cpuPerPacket(forceNative: boolean): number {
  const key = randomBytes(info.keyLen);
  const iv = randomBytes(info.ivLen);
  const chunks: Buffer[] = [];
  let received = 0;
  const cipher = crypto.createCipher({ outbound: { onWrite: (chunk: Buffer) => chunks.push(Buffer.from(chunk)), cipherInfo: info, cipherKey: key, cipherIV: Buffer.from(iv), seqno: 0, forceNative } });
  const decipher = crypto.createDecipher({ inbound: { onPayload: () => void received++, decipherInfo: info, decipherKey: key, decipherIV: Buffer.from(iv), seqno: 0, forceNative } });
  const payload = randomBytes(payloadBytes);
  const start = process.cpuUsage();
  for (let i = 0; i < packets; i++) {
    const packet = cipher.allocPacket(payload.length);
    payload.copy(packet, 5);
    cipher.encrypt(packet);
    const wire = Buffer.concat(chunks);
    chunks.length = 0;
    decipher.decrypt(wire, 0, wire.length);
  }
  const used = process.cpuUsage(start);
  cipher.free();
  decipher.free();
  if (received !== packets) throw new Error(`decrypted ${received} of ${packets} packets`);
  return (used.user + used.system) / packets;
}

const paths: { name: string; forceNative: boolean }[] = [{ name: "ssh2's JavaScript path (no binding)", forceNative: true }];
if (crypto.bindingAvailable) paths.push({ name: 'native binding', forceNative: false });
else process.stderr.write('the native binding is not built here: only the JavaScript path is measured\n');

cpuPerPacket(true); // warm-up
const results = paths.map(({ name, forceNative }) => ({ name, us: median(Array.from({ length: runs }, () => cpuPerPacket(forceNative))) }));
console.log(`${CIPHER}, ${payloadBytes}-byte payloads, ${packets} packets encrypted and decrypted, median of ${runs} runs:`);
for (const { name, us } of results) console.log(`  ${name}: ${round(us, 2)} µs of CPU per packet`);
if (results.length === 2) console.log(`  saved by the binding: ${round(results[0]!.us - results[1]!.us, 2)} µs per packet`);
