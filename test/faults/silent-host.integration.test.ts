/**
 * A host that accepts TCP and never speaks SSH (a hung sshd, a port that is
 * not sshd): until it answers it is connecting, never ok, in JSON and in
 * the metrics, while a real OpenSSH host beside it is sampled as usual.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import path from 'node:path';
import { startSshd, type Sshd } from '../helpers/sshd.js';
import { appendLines, makeLog } from '../helpers/fleet.js';
import { spawnPvlook } from '../helpers/pvlook-command.js';
import { jsonLinesUntil } from '../helpers/json-lines.js';

let sshd: Sshd;
let mute: Server;
const held = new Set<Socket>();
let writer: NodeJS.Timeout;
let log: string;
let sshConfig: string;

before(async () => {
  sshd = await startSshd({ hostCount: 1 });
  log = makeLog(sshd, 'access.log', 10);
  writer = setInterval(() => appendLines(log, 5), 20);
  mute = createServer((socket) => {
    held.add(socket);
    socket.on('error', () => undefined);
  });
  await new Promise<void>((resolve) => mute.listen(0, '127.0.0.1', resolve));
  sshConfig = path.join(sshd.dir, 'ssh_config.mute');
  // First: ssh_config takes the first value it finds, and the fixture's own config ends with Host *.
  writeFileSync(sshConfig, `Host mute\n  HostName 127.0.0.1\n  Port ${(mute.address() as AddressInfo).port}\n\n` + readFileSync(sshd.sshConfig, 'utf8'));
});
after(async () => {
  clearInterval(writer);
  for (const socket of held) socket.destroy();
  await new Promise((resolve) => mute.close(resolve));
  await sshd?.stop();
});

interface Line {
  hosts: { host: string; status: string; error: string | null; rate: number | null }[];
  total: { ok: number; stale: number };
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

test('a host that never answered is connecting (stale), never ok, in JSON and in /metrics', async () => {
  const port = await freePort();
  const child = spawnPvlook(['-F', sshConfig, '-l', log, '--watch', '--json', '-n', '0.3', '--timeout', '120', '--listen', `127.0.0.1:${port}`, sshd.hosts[0]!, 'mute'], { cwd: sshd.dir, env: { PATH: process.env.PATH, HOME: sshd.dir } });
  try {
    const lines = await jsonLinesUntil<Line>(child, (line) => line.hosts.some((row) => row.host === sshd.hosts[0] && row.rate !== null));
    for (const line of lines) {
      const row = line.hosts.find((host) => host.host === 'mute')!;
      assert.equal(row.status, 'stale', JSON.stringify(row));
      assert.match(row.error ?? '', /^connecting/);
    }
    assert.equal(lines.at(-1)!.total.ok, 1);
    assert.equal(lines.at(-1)!.total.stale, 1);
    const metrics = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
    assert.match(metrics, /^pvlook_host_up\{host="mute"\} 0$/m);
    assert.match(metrics, new RegExp(`^pvlook_host_up\\{host="${sshd.hosts[0]}"\\} 1$`, 'm'));
    assert.match(metrics, /^pvlook_logs\{state="stale"\} 1$/m);
  } finally {
    child.kill('SIGTERM');
  }
});
