/**
 * A host whose whole userland is static BusyBox, behind a real sshd: the
 * test user's login lands in a chroot holding bin/busybox and its applets,
 * dev/null and etc/passwd. No /proc is mounted there, so there is no
 * /dev/fd (every sample goes by file identity and offset) and no
 * /proc/uptime; BusyBox's date has no %N, so pvlook times samples itself.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { chmodSync, copyFileSync, mkdirSync, mkdtempSync, renameSync, rmSync, symlinkSync, truncateSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { ensureUser, removeUser, startSshd, type Sshd } from '../helpers/sshd.js';
import { appendLines, plan, sampler, sshTransport } from '../helpers/fleet.js';
import { Schedule } from '../helpers/schedule.js';
import { ShellProber } from '../../src/probe/shell-prober.js';
import type { HostPlan } from '../../src/config/config.js';

const USER = 'pvlook-bb';
let sshd: Sshd;
let root: string;
/** the chroot's /logs, from outside */
let logs: string;

before(async () => {
  assert.equal(process.getuid?.(), 0, 'the BusyBox host test builds a chroot and a user: run it as root (as CI does)');
  ensureUser(USER);
  // sshd refuses a chroot with any path component writable by others (so not
  // under /tmp or /var/tmp): a root-owned 755 folder under /var/lib.
  root = mkdtempSync('/var/lib/pvlook-test-chroot-');
  chmodSync(root, 0o755);
  for (const dir of ['bin', 'dev', 'etc', 'logs', `home/${USER}`]) mkdirSync(path.join(root, dir), { recursive: true, mode: 0o755 });
  const busybox = execFileSync('/bin/sh', ['-c', 'command -v busybox']).toString().trim();
  copyFileSync(busybox, path.join(root, 'bin/busybox'));
  chmodSync(path.join(root, 'bin/busybox'), 0o755);
  // What `busybox --install -s /bin` makes, without running anything in the chroot.
  for (const applet of execFileSync(busybox, ['--list']).toString().split('\n').filter(Boolean)) {
    if (applet !== 'busybox') symlinkSync('busybox', path.join(root, 'bin', applet));
  }
  execFileSync('mknod', ['-m', '666', path.join(root, 'dev/null'), 'c', '1', '3']);
  const uid = Number(execFileSync('id', ['-u', USER]).toString());
  const gid = Number(execFileSync('id', ['-g', USER]).toString());
  writeFileSync(path.join(root, 'etc/passwd'), `root:x:0:0:root:/:/bin/sh\n${USER}:x:${uid}:${gid}::/home/${USER}:/bin/sh\n`);
  execFileSync('chown', [`${uid}:${gid}`, path.join(root, 'home', USER)]);
  logs = path.join(root, 'logs');
  sshd = await startSshd({ hostCount: 1, extraUsers: [USER], extraConfig: [`Match User ${USER}`, `  ChrootDirectory ${root}`] });
});

after(async () => {
  await sshd?.stop();
  if (root) rmSync(root, { recursive: true, force: true });
  removeUser(USER);
});

const busyboxHost = (...paths: string[]): HostPlan => plan(`${USER}@h1`, ...paths);

/** A log in the chroot: its path on the host as pvlook names it, and as this test writes it. */
function chrootLog(name: string, lines = 0): { remote: string; local: string } {
  const local = path.join(logs, name);
  writeFileSync(local, 'GET / 200\n'.repeat(lines), { mode: 0o644 });
  return { remote: `/logs/${name}`, local };
}

test('the login really is BusyBox with no /proc: the tools pvlook will use are BusyBox applets', async () => {
  const out = execFileSync('ssh', ['-F', sshd.sshConfig, '-l', USER, 'h1', 'readlink /bin/stat; readlink /bin/awk; [ -e /proc/uptime ] || echo no-proc; date +%s.%N'], { timeout: 15_000 }).toString();
  assert.match(out, /^busybox\nbusybox\nno-proc\n\d+\.(%N|N)\n$/);
});

test('exact counts, rotation and a rate by pvlook\'s own clock, on the stateless path', async () => {
  const log = chrootLog('access.log', 50);
  const transport = sshTransport(sshd);
  try {
    const s = new Schedule(sampler([busyboxHost(log.remote)], transport));
    const first = (await s.step()).rows[0]!;
    assert.deepEqual([first.status, first.error, first.rate], ['ok', null, null]);
    for (const lines of [10, 0, 250]) {
      appendLines(log.local, lines);
      const row = (await s.step()).rows[0]!;
      assert.deepEqual([row.status, row.lines], ['ok', lines], row.error ?? '');
    }
    // The rate: with neither /proc/uptime nor a sub-second date, the interval is
    // pvlook's own, between the midpoints of the two requests; it lies within
    // what the local send and receive times allow (never outside: never wrong).
    const t0 = Date.now() / 1000;
    await s.step();
    const t1 = Date.now() / 1000;
    appendLines(log.local, 300);
    await new Promise((resolve) => setTimeout(resolve, 200));
    const t2 = Date.now() / 1000;
    const row = (await s.step()).rows[0]!;
    const t3 = Date.now() / 1000;
    assert.equal(row.lines, 300);
    assert.ok(row.rate !== null && row.rate >= 300 / (t3 - t0) && row.rate <= 300 / (t2 - t1), `rate ${row.rate} outside [${300 / (t3 - t0)}, ${300 / (t2 - t1)}]`);

    // logrotate's rename: the path names a new inode (the old file is kept, so its inode is not reused).
    renameSync(log.local, `${log.local}.1`);
    writeFileSync(log.local, 'new\n', { mode: 0o644 });
    appendLines(`${log.local}.1`, 5);
    const rotated = (await s.step()).rows[0]!;
    assert.deepEqual([rotated.status, rotated.lines, rotated.rate], ['ok', null, null]);
    appendLines(log.local, 4);
    assert.equal((await s.step()).rows[0]?.lines, 4);
  } finally {
    await transport.close();
  }
});

test('rotation on BusyBox (no birth time): never a wrong number, one unknown sample per rotation at most; copytruncate regrown past the offset too', async () => {
  const log = chrootLog('rotating.log', 20);
  const transport = sshTransport(sshd);
  try {
    const s = new Schedule(sampler([busyboxHost(log.remote)], transport));
    const rows: (number | null)[] = [];
    const sample = async () => {
      const row = (await s.step()).rows[0]!;
      assert.equal(row.status, 'ok', row.error ?? '');
      rows.push(row.lines);
      return row.lines;
    };
    await sample();
    for (let round = 0; round < 3; round++) {
      appendLines(log.local, 7);
      assert.equal(await sample(), 7);
      // Rename and create: without a birth time the new file cannot be proven new.
      renameSync(log.local, `${log.local}.${round}`);
      writeFileSync(log.local, 'GET /new 200\n'.repeat(3), { mode: 0o644 });
      assert.equal(await sample(), null);
      appendLines(log.local, 2);
      assert.equal(await sample(), 2);
      // copytruncate, regrown well past where pvlook was before it looks again.
      truncateSync(log.local, 0);
      writeFileSync(log.local, `GET /after-truncation/${round} 200\n`.repeat(40), { flag: 'a' });
      assert.equal(await sample(), null);
      appendLines(log.local, 1);
      assert.equal(await sample(), 1);
    }
    assert.deepEqual(rows.filter((lines) => lines === null).length, 1 + 3 * 2, `one baseline, then one unknown per rotation: ${JSON.stringify(rows)}`);
  } finally {
    await transport.close();
  }
});

test('pattern counts with BusyBox awk, whole lines only', async () => {
  const log = chrootLog('patterns.log');
  const transport = sshTransport(sshd);
  try {
    const host: HostPlan = { ...busyboxHost(), watches: [{ group: 'default', log: log.remote, patterns: [{ name: 'errors', regex: ' 5[0-9][0-9]$' }] }] };
    const s = new Schedule(sampler([host], new ShellProber(transport)));
    await s.step();
    writeFileSync(log.local, 'GET / 200\nGET /x 500\nGET /y 503\nGET /z 404\nhalf 500', { flag: 'a' });
    const row = (await s.step()).rows[0]!;
    assert.deepEqual([row.status, row.lines, row.patterns?.map((p) => [p.name, p.lines])], ['ok', 4, [['errors', 2]]], row.error ?? '');
    writeFileSync(log.local, '\n', { flag: 'a' });
    assert.deepEqual((await s.step()).rows[0]?.patterns?.map((p) => p.lines), [1]);
  } finally {
    await transport.close();
  }
});
