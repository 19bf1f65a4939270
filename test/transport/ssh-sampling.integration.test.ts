/**
 * The sampler and the SSH transport against a real OpenSSH sshd.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { createServer, type AddressInfo, type Socket } from 'node:net';
import { chmodSync, existsSync, readdirSync, readFileSync, renameSync, truncateSync, writeFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { startSshd, type Sshd } from '../helpers/sshd.js';
import { appendLines, makeLog, plan, QUICK_INTERVAL_MS, sampler, sshTransport } from '../helpers/fleet.js';
import { firstSample, Schedule } from '../helpers/schedule.js';
import { SshTransport } from '../../src/transport/ssh-transport.js';
import { openSshResolver } from '../../src/transport/ssh-settings.js';

let sshd: Sshd;
before(async () => {
  sshd = await startSshd({ hostCount: 3 });
});
after(async () => {
  await sshd?.stop();
});

const accepted = () => sshd.log().split('\n').filter((line) => line.includes('Accepted publickey')).length;

test('counts exactly the lines appended between samples, on every host, over one connection each', async () => {
  const logs = sshd.hosts.map((host) => makeLog(sshd, `exact-${host}.log`, 500));
  const transport = sshTransport(sshd);
  const before = accepted();
  try {
    // A step at a time: every host takes its next sample only after the lines for it are in.
    const s = new Schedule(sampler(sshd.hosts.map((host, i) => plan(host, logs[i]!)), transport));
    const first = await s.step();
    assert.deepEqual(first.rows.map((row) => [row.status, row.rate]), sshd.hosts.map(() => ['ok', null]));
    for (let round = 1; round <= 4; round++) {
      logs.forEach((log, i) => appendLines(log, 100 * round + i));
      const snapshot = await s.step();
      snapshot.rows.forEach((row, i) => {
        assert.equal(row.status, 'ok', row.error ?? '');
        assert.equal(row.lines, 100 * round + i);
        assert.ok(row.rate !== null && row.rate > 0);
      });
    }
    // Persistent connections: one login per host, however many ticks.
    assert.equal(accepted() - before, sshd.hosts.length);
  } finally {
    await transport.close();
  }
});

test('the rate is lines over the time between the two remote readings', async () => {
  const log = makeLog(sshd, 'rate.log');
  const transport = sshTransport(sshd);
  const intervalMs = 1000;
  const s = new Schedule(sampler([plan('h1', log)], transport, 5000, intervalMs)).run();
  try {
    const t0 = Date.now() / 1000;
    await s.next();
    const t1 = Date.now() / 1000;
    appendLines(log, 300);
    const row = (await s.next()).rows[0]!;
    const t3 = Date.now() / 1000;
    // The first reading happened within [t0, t1]; the second one interval after the first request went
    // out (at t0 or later), so at least t0 + interval - t1 after the first reading, on this same clock.
    const shortest = Math.max(t0 + intervalMs / 1000 - t1, 1e-3);
    assert.equal(row.lines, 300);
    assert.ok(row.rate! >= 300 / (t3 - t0) && row.rate! <= 300 / shortest, `rate ${row.rate} outside [${300 / (t3 - t0)}, ${300 / shortest}]`);
  } finally {
    await s.stop();
  }
});

test('rotation by rename, copytruncate and a vanished log never give a negative or inflated rate', async () => {
  const log = makeLog(sshd, 'rotate.log', 1000);
  const transport = sshTransport(sshd);
  const s = new Schedule(sampler([plan('h2', log)], transport, 5000, QUICK_INTERVAL_MS)).run();
  try {
    await s.next();
    appendLines(log, 10);
    assert.equal((await s.next()).rows[0]?.lines, 10);

    // logrotate's default: rename, then a new file takes the name.
    renameSync(log, `${log}.1`);
    makeLog(sshd, 'rotate.log', 5000);
    const rotated = (await s.next()).rows[0]!;
    assert.deepEqual([rotated.status, rotated.rate, rotated.lines], ['ok', null, null]);
    appendLines(log, 7);
    assert.equal((await s.next()).rows[0]?.lines, 7);

    // copytruncate: same fileId, smaller size.
    truncateSync(log, 0);
    const truncated = (await s.next()).rows[0]!;
    assert.deepEqual([truncated.status, truncated.rate], ['ok', null]);
    appendLines(log, 4);
    assert.equal((await s.next()).rows[0]?.lines, 4);

    // Gone, then back.
    renameSync(log, `${log}.2`);
    const gone = (await s.next()).rows[0]!;
    assert.deepEqual([gone.status, gone.rate], ['nolog', null]);
    makeLog(sshd, 'rotate.log', 3);
    assert.deepEqual((await s.next()).rows[0]?.rate, null);
    appendLines(log, 2);
    assert.equal((await s.next()).rows[0]?.lines, 2);
  } finally {
    await s.stop();
  }
});

test('a 2 GiB log is read from the previous offset only', async () => {
  const log = makeLog(sshd, 'huge.log');
  truncateSync(log, 2 * 1024 ** 3); // sparse: 2 GiB of NUL bytes, no newlines
  const transport = sshTransport(sshd);
  const s = new Schedule(sampler([plan('h3', log)], transport, 5000, QUICK_INTERVAL_MS)).run();
  try {
    await s.next();
    appendLines(log, 42);
    const row = (await s.next()).rows[0]!;
    assert.equal(row.lines, 42);
    assert.equal(statSync(log).size > 2 * 1024 ** 3, true);
  } finally {
    await s.stop();
  }
});

test('log paths with quotes, spaces, $(...), backticks and leading dashes are data, never code', async () => {
  const names = ["it's a log", '$(touch PWNED1)', '`touch PWNED2`', '-n', '--version', 'a;touch PWNED3', 'line\nbreak'];
  const logs = names.map((name) => makeLog(sshd, name, 1));
  const transport = sshTransport(sshd);
  const s = new Schedule(sampler([plan('h1', ...logs)], transport, 5000, QUICK_INTERVAL_MS)).run();
  try {
    await s.next();
    logs.forEach((log, i) => appendLines(log, i + 1));
    const snapshot = await s.next();
    assert.deepEqual(snapshot.rows.map((row) => [row.log, row.status, row.lines]), logs.map((log, i) => [log, 'ok', i + 1]));
    assert.deepEqual(readdirSync(sshd.logDir).filter((name) => name.startsWith('PWNED')), []);
    for (const home of ['/tmp', '/root', `/home/${sshd.user}`]) assert.equal(existsSync(path.join(home, 'PWNED1')), false);
  } finally {
    await s.stop();
  }
});

test('a missing or unreadable log is reported on its row while the other logs keep counting', async () => {
  const good = makeLog(sshd, 'good.log');
  const secret = makeLog(sshd, 'secret.log', 3);
  chmodSync(secret, 0o000);
  const transport = sshTransport(sshd);
  const s = new Schedule(sampler([plan('h1', good, path.join(sshd.logDir, 'absent.log'), secret)], transport, 5000, QUICK_INTERVAL_MS)).run();
  try {
    await s.next();
    appendLines(good, 5);
    const rows = (await s.next()).rows;
    assert.deepEqual(rows.map((row) => row.status), ['ok', 'nolog', 'noperm']);
    assert.equal(rows[0]?.lines, 5);
    assert.match(rows[1]?.error ?? '', /not found/);
  } finally {
    await s.stop();
  }
});

test('unknown and changed host keys are refused with advice; hashed known_hosts entries are accepted', async () => {
  const log = makeLog(sshd, 'keys.log');
  const variant = (name: string, knownHosts: string) => {
    const file = path.join(sshd.dir, `known_hosts.${name}`);
    writeFileSync(file, knownHosts);
    const config = path.join(sshd.dir, `ssh_config.${name}`);
    writeFileSync(config, `UserKnownHostsFile ${file}\n${readConfig()}`);
    return config;
  };
  const readConfig = () => readFileSync(sshd.sshConfig, 'utf8');
  const otherKey = 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA';
  const name = `[${sshd.addresses[0]}]:${sshd.port}`;

  const results: Record<string, { status: string; error: string | null }> = {};
  for (const [label, knownHosts] of [
    ['unknown', `[127.0.0.254]:1 ${otherKey}\n`],
    ['changed', `${name} ${otherKey}\n`],
    ['revoked', `${name} ${sshd.hostKeyPublic}\n@revoked * ${sshd.hostKeyPublic}\n`],
  ] as const) {
    const transport = sshTransport(sshd, variant(label, knownHosts));
    try {
      const row = (await firstSample(sampler([plan('h1', log)], transport))).rows[0]!;
      results[label] = { status: row.status, error: row.error };
    } finally {
      await transport.close();
    }
  }
  assert.equal(results.unknown?.status, 'hostkey');
  assert.match(results.unknown?.error ?? '', /host key for \[127\.0\.0\.\d+\]:\d+ is not known \(ssh-ed25519 SHA256:.*add it/);
  // The fixes name the file the host's settings use (UserKnownHostsFile), never ~/.ssh/known_hosts.
  assert.ok(results.unknown?.error?.endsWith(`add it: ssh-keyscan -p ${sshd.port} -t ssh-ed25519 ${sshd.addresses[0]} >> ${path.join(sshd.dir, 'known_hosts.unknown')}`), results.unknown?.error ?? '');
  assert.equal(results.changed?.status, 'hostkey');
  assert.ok(results.changed?.error?.endsWith(`remove the old key with: ssh-keygen -R '${name}' -f ${path.join(sshd.dir, 'known_hosts.changed')}`), results.changed?.error ?? '');
  assert.equal(results.revoked?.status, 'hostkey');
  assert.match(results.revoked?.error ?? '', /revoked/);

  // ssh-keygen -H hashes every name; pvlook must still find the key.
  const hashedConfig = variant('hashed', `${name} ${sshd.hostKeyPublic}\n`);
  execFileSync('ssh-keygen', ['-H', '-f', path.join(sshd.dir, 'known_hosts.hashed')], { stdio: 'ignore' });
  const transport = sshTransport(sshd, hashedConfig);
  try {
    const row = (await firstSample(sampler([plan('h1', log)], transport))).rows[0]!;
    assert.deepEqual([row.status, row.error], ['ok', null]);
  } finally {
    await transport.close();
  }
});

test('a refused port, an unresolvable name and a refused login fail on their own rows only', async () => {
  const log = makeLog(sshd, 'mixed.log');
  const transport = sshTransport(sshd);
  try {
    const hosts = [plan('h1', log), plan(`${sshd.addresses[0]}:1`, log), plan('no-such-host.invalid', log), plan('nobody@h2', log), plan('h3', log)];
    const s = new Schedule(sampler(hosts, transport));
    await s.step();
    appendLines(log, 9);
    const rows = (await s.step()).rows;
    assert.deepEqual(rows.map((row) => row.status), ['ok', 'refused', 'dns', 'auth', 'ok']);
    assert.deepEqual([rows[0]?.lines, rows[4]?.lines], [9, 9]);
    assert.match(rows[1]?.error ?? '', /connection refused/);
    assert.match(rows[3]?.error ?? '', /authentication failed/);
  } finally {
    await transport.close();
  }
});

test('logs in through ssh-agent when no key file is configured', async () => {
  const socket = path.join(sshd.dir, 'agent.sock');
  const agent = spawn('ssh-agent', ['-D', '-a', socket], { stdio: 'ignore' });
  try {
    for (let i = 0; i < 100 && !existsSync(socket); i++) await new Promise((resolve) => setTimeout(resolve, 20));
    execFileSync('ssh-add', ['-q', path.join(sshd.dir, 'id_ed25519')], { env: { ...process.env, SSH_AUTH_SOCK: socket }, stdio: 'ignore' });
    const config = path.join(sshd.dir, 'ssh_config.agent');
    writeFileSync(config, readFileSync(sshd.sshConfig, 'utf8').replace(/^\s*IdentityFile .*$/m, ''));
    const log = makeLog(sshd, 'agent.log');
    const withAgent = new SshTransport({ resolveSettings: openSshResolver(config, sshd.dir), agentSocket: socket });
    const withoutAgent = new SshTransport({ resolveSettings: openSshResolver(config, sshd.dir), agentSocket: undefined });
    try {
      assert.equal((await firstSample(sampler([plan('h2', log)], withAgent))).rows[0]?.status, 'ok');
      const refused = (await firstSample(sampler([plan('h2', log)], withoutAgent))).rows[0];
      assert.equal(refused?.status, 'auth');
    } finally {
      await withAgent.close();
      await withoutAgent.close();
    }
  } finally {
    agent.kill();
  }
});

test('a host that accepts TCP but never speaks SSH times out on its own row', async () => {
  const sockets: Socket[] = [];
  const blackhole = createServer((socket) => sockets.push(socket));
  await new Promise<void>((resolve) => blackhole.listen(0, '127.0.0.1', resolve));
  const { port } = blackhole.address() as AddressInfo;
  const log = makeLog(sshd, 'timeout.log');
  const transport = sshTransport(sshd);
  try {
    const rows = (await firstSample(sampler([plan(`127.0.0.1:${port}`, log), plan('h1', log)], transport, 600))).rows;
    assert.deepEqual(rows.map((row) => row.status), ['timeout', 'ok']);
  } finally {
    await transport.close();
    sockets.forEach((socket) => socket.destroy());
    blackhole.close();
  }
});
