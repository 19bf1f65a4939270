/**
 * OpenSSH compatibility against a real sshd: jump hosts, accept-new, refused
 * ProxyCommand, MaxStartups, and login shells that print around the output.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startSshd, closedPort, type Sshd } from '../helpers/sshd.js';
import { appendLines, makeLog, plan, sampler } from '../helpers/fleet.js';
import { firstSample, Schedule } from '../helpers/schedule.js';
import { SshTransport, type SshTransportOptions } from '../../src/transport/ssh-transport.js';
import { openSshResolver } from '../../src/transport/ssh-settings.js';

let sshd: Sshd;
let deadPort: number;
const scratch: string[] = [];
// h4 answers through a login shell that talks before and after the command;
// h5 always prints garbage instead of running it; h6 prints nothing; h7 stops
// half way; h8's clock is an hour ahead; h9's clock jumps 100 s on every read;
// h10 floods its output.
before(async () => {
  const fakeBin = (name: string, dateScript: string) => {
    const dir = mkdtempSync(path.join(os.tmpdir(), `pvlook-${name}-`));
    scratch.push(dir);
    chmodSync(dir, 0o755);
    writeFileSync(path.join(dir, 'date'), `#!/bin/sh\n${dateScript}\n`, { mode: 0o755 });
    return dir;
  };
  const ahead = fakeBin('ahead', 'echo "$(( $(/bin/date +%s) + 3600 )).$(/bin/date +%N)"');
  const jumpy = fakeBin('jumpy', 'n=$(cat "$0.n" 2>/dev/null || echo 0); echo $((n + 1)) > "$0.n"; echo "$(( $(/bin/date +%s) + n * 100 )).$(/bin/date +%N)"');
  chmodSync(jumpy, 0o777);
  const withPath = (dir: string) => `  ForceCommand PATH=${dir}:/usr/bin:/bin; export PATH; /bin/sh -c "$SSH_ORIGINAL_COMMAND"`;
  sshd = await startSshd({
    hostCount: 10,
    extraConfig: [
      'MaxStartups 4',
      'Match LocalAddress ADDR4',
      '  ForceCommand echo "Welcome to h4, last login: yesterday"; /bin/sh -c "$SSH_ORIGINAL_COMMAND"; echo "Goodbye"',
      'Match LocalAddress ADDR5',
      '  ForceCommand echo "@pvlook1 time 1.5"; echo "@pvlook1 0 ok 12 oops"; echo "@pvlook1 end"',
      'Match LocalAddress ADDR6',
      '  ForceCommand true',
      'Match LocalAddress ADDR7',
      '  ForceCommand /bin/sh -c "$SSH_ORIGINAL_COMMAND" | head -c 40',
      'Match LocalAddress ADDR8',
      withPath(ahead),
      'Match LocalAddress ADDR9',
      withPath(jumpy),
      'Match LocalAddress ADDR10',
      '  ForceCommand yes @pvlook1',
    ],
  });
  deadPort = await closedPort();
});
after(async () => {
  await sshd?.stop();
  scratch.forEach((dir) => rmSync(dir, { recursive: true, force: true }));
});

/** An ssh_config with `prefix` put before the fixture's own. */
function config(name: string, prefix: string): string {
  const file = path.join(sshd.dir, `ssh_config.${name}`);
  writeFileSync(file, `${prefix}\n${readFileSync(sshd.sshConfig, 'utf8')}`);
  return file;
}

/** This sshd drops a fifth unauthenticated connection (MaxStartups 4); two handshakes at once leave room for sshd's lag in counting finished ones. */
function transport(configFile: string, extra: Partial<SshTransportOptions> = {}): SshTransport {
  return new SshTransport({ resolveSettings: openSshResolver(configFile, sshd.dir), agentSocket: undefined, maxHandshakes: 2, ...extra });
}

/** Logins accepted on one of the fixture's addresses: sshd names the address on the "Connection from" line only. */
function logins(address: string): number {
  const lines = sshd.log().split('\n');
  const ports = new Set(lines.map((line) => / port (\d+) on (\S+) port /.exec(line)).filter((m) => m?.[2] === address).map((m) => m![1]));
  return lines.filter((line) => /Accepted publickey .* port (\d+) /.exec(line) && ports.has(/ port (\d+) /.exec(line)![1])).length;
}

test('ProxyJump: hosts behind a bastion go through one shared bastion connection', async () => {
  const log = makeLog(sshd, 'jump.log');
  const t = transport(config('jump', 'Host h2 h3\n  ProxyJump h1'));
  const before = logins(sshd.addresses[0]!);
  try {
    const s = new Schedule(sampler([plan('h2', log), plan('h3', log)], t));
    await s.step();
    appendLines(log, 4);
    const rows = (await s.step()).rows;
    assert.deepEqual(rows.map((row) => [row.status, row.lines]), [['ok', 4], ['ok', 4]]);
    // Two targets, one bastion login: the bastion connection is shared.
    assert.equal(logins(sshd.addresses[0]!) - before, 1);
    // Two targets and the bastion connected; a long-lived shell on each target.
    assert.deepEqual(t.stats(), { connections: 3, channels: 2 });
  } finally {
    await t.close();
  }
});

test('ProxyJump chains hop by hop, and a jump host that is down fails only the hosts behind it', async () => {
  const log = makeLog(sshd, 'chain.log');
  const t = transport(config('chain', `Host h3\n  ProxyJump h1,h2\nHost h4\n  ProxyJump down\nHost down\n  HostName 127.0.0.1\n  Port ${deadPort}`));
  try {
    const rows = (await firstSample(sampler([plan('h3', log), plan('h4', log), plan('h1', log)], t))).rows;
    assert.deepEqual(rows.map((row) => row.status), ['ok', 'refused', 'ok']);
    assert.match(rows[1]?.error ?? '', /^jump host down: connection refused/);
  } finally {
    await t.close();
  }
});

test('host keys are checked on every hop: an unknown jump host is refused', async () => {
  const log = makeLog(sshd, 'hop.log');
  const empty = path.join(sshd.dir, 'known_hosts.only-targets');
  // Only h2's key is on file; the bastion h1 is unknown.
  writeFileSync(empty, readFileSync(sshd.knownHosts, 'utf8').split('\n').filter((line) => line.startsWith(`[${sshd.addresses[1]}]`)).join('\n') + '\n');
  const t = transport(config('hop', `Host *\n  UserKnownHostsFile ${empty}\nHost h2\n  ProxyJump h1`));
  try {
    const row = (await firstSample(sampler([plan('h2', log)], t))).rows[0]!;
    assert.equal(row.status, 'hostkey');
    assert.match(row.error ?? '', /^jump host h1: host key for \[127\.0\.0\.\d+\]:\d+ is not known/);
  } finally {
    await t.close();
  }
});

test('--accept-new records an unknown key (hashed), trusts it next time, and still refuses a changed key', async () => {
  const log = makeLog(sshd, 'accept.log');
  const file = path.join(sshd.dir, 'known_hosts.accept');
  writeFileSync(file, '');
  const cfg = config('accept', `Host *\n  UserKnownHostsFile ${file}\n  HashKnownHosts yes`);
  const recorder = transport(cfg, { acceptNewHostKeys: true });
  try {
    assert.equal((await firstSample(sampler([plan('h1', log)], recorder))).rows[0]?.status, 'ok');
  } finally {
    await recorder.close();
  }
  const written = readFileSync(file, 'utf8');
  assert.match(written, /^\|1\|[^|]+\|[^ ]+ ssh-ed25519 AAAA/);
  assert.ok(written.includes(sshd.hostKeyPublic.split(' ')[1]!));
  const strict = transport(cfg);
  try {
    assert.equal((await firstSample(sampler([plan('h1', log)], strict))).rows[0]?.status, 'ok');
  } finally {
    await strict.close();
  }
  // A different key on file for h2: accept-new must not overwrite or add.
  const name = `[${sshd.addresses[1]}]:${sshd.port}`;
  writeFileSync(file, `${name} ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA\n`);
  const changed = transport(cfg, { acceptNewHostKeys: true });
  try {
    const row = (await firstSample(sampler([plan('h2', log)], changed))).rows[0]!;
    assert.equal(row.status, 'hostkey');
    assert.match(row.error ?? '', /HOST KEY CHANGED/);
    assert.equal(readFileSync(file, 'utf8').split('\n').filter(Boolean).length, 1);
  } finally {
    await changed.close();
  }
});

test('a ProxyCommand host is refused rather than reached directly', async () => {
  const log = makeLog(sshd, 'pc.log');
  const t = transport(config('pc', 'Host h1\n  ProxyCommand nc %h %p'));
  try {
    const row = (await firstSample(sampler([plan('h1', log)], t))).rows[0]!;
    assert.equal(row.status, 'error');
    assert.match(row.error ?? '', /ProxyCommand is not supported/);
  } finally {
    await t.close();
  }
});

test('handshakes are capped, so a burst of hosts never trips MaxStartups', async () => {
  const log = makeLog(sshd, 'burst.log');
  const aliases = Array.from({ length: 12 }, (_, i) => `burst${i}`);
  const t = transport(config('burst', `Host burst*\n  HostName ${sshd.addresses[2]}`), { maxHandshakes: 2 });
  try {
    const rows = (await firstSample(sampler(aliases.map((alias) => plan(alias, log)), t))).rows;
    assert.deepEqual(rows.map((row) => row.status), aliases.map(() => 'ok'));
  } finally {
    await t.close();
  }
});

test('text printed by the login shell around the command is ignored; garbage is an error, not a number', async () => {
  const log = makeLog(sshd, 'chatty.log');
  const t = transport(sshd.sshConfig);
  try {
    const s = new Schedule(sampler([plan('h4', log), plan('h5', log)], t));
    await s.step();
    appendLines(log, 6);
    const rows = (await s.step()).rows;
    assert.deepEqual([rows[0]?.status, rows[0]?.lines], ['ok', 6]);
    assert.equal(rows[1]?.status, 'badoutput');
    assert.equal(rows[1]?.rate, null);
  } finally {
    await t.close();
  }
});

test('a host that prints nothing, stops half way or floods is an error on its row, never a number', async () => {
  const log = makeLog(sshd, 'short.log');
  const t = transport(sshd.sshConfig);
  try {
    const rows = (await firstSample(sampler([plan('h6', log), plan('h7', log), plan('h10', log), plan('h1', log)], t))).rows;
    // h7's output is cut after 40 bytes: its shell dies when it next writes (badoutput), or, if it had
    // nothing more to write, waits for the next request while its answer never ends (timeout).
    const h7 = rows[1]!;
    assert.ok(['badoutput', 'timeout'].includes(h7.status) && h7.rate === null, JSON.stringify(h7));
    assert.deepEqual([rows[0], rows[2], rows[3]].map((row) => [row?.status, row?.rate]), [['badoutput', null], ['badoutput', null], ['ok', null]]);
    // ssh2 may report the channel closed before its exit status: the status is said when known.
    assert.match(rows[0]?.error ?? '', /the remote shell ended( \(exit status 0\))? before answering/);
    assert.match(rows[2]?.error ?? '', /more than 1 MiB of output/);
  } finally {
    await t.close();
  }
});

test('a host whose wall clock is an hour off or jumps on every read still gives true rates: pvlook times samples by the host\'s uptime', async () => {
  const log = makeLog(sshd, 'clock.log');
  const t = transport(sshd.sshConfig);
  try {
    const s = new Schedule(sampler([plan('h8', log), plan('h9', log)], t));
    let before = Date.now() / 1000;
    await s.step();
    for (let round = 0; round < 3; round++) {
      appendLines(log, 50);
      const started = Date.now() / 1000;
      const rows = (await s.step()).rows;
      // Each reading happened within its tick: the interval is at most from the start of one to the end of the next.
      const longest = Date.now() / 1000 - before;
      for (const row of rows) {
        assert.deepEqual([row.status, row.lines], ['ok', 50], row.host);
        assert.ok(row.rate! >= 50 / longest - 0.01, `${row.host}: ${row.rate} lines/s, but the readings were at most ${longest.toFixed(3)} s apart`);
      }
      before = started;
    }
  } finally {
    await t.close();
  }
});
