/**
 * Globs against a real sshd: several logs per host summed, or split into a
 * row per file, and a file that appears mid-run.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, chmodSync, renameSync } from 'node:fs';
import path from 'node:path';
import { startSshd, type Sshd } from '../helpers/sshd.js';
import { appendLines, makeLog, plan, sampler, sshTransport } from '../helpers/fleet.js';
import { Schedule } from '../helpers/schedule.js';
import { runCli } from '../helpers/run-cli.js';

let sshd: Sshd;
let vhosts: string;
before(async () => {
  sshd = await startSshd({ hostCount: 1 });
  vhosts = path.join(sshd.logDir, 'vhosts');
  mkdirSync(vhosts);
  chmodSync(vhosts, 0o777);
});
after(async () => {
  await sshd?.stop();
});

test('a glob sums its files; with --split each file is its own row; JSON and table', async () => {
  const shop = makeLog(sshd, 'vhosts/shop.access.log');
  const blog = makeLog(sshd, 'vhosts/blog.access.log');
  makeLog(sshd, 'vhosts/error.log');
  const writer = setInterval(() => {
    appendLines(shop, 3);
    appendLines(blog, 1);
  }, 10);
  try {
    const glob = path.join(vhosts, '*.access.log');
    const summed = await runCli(['--json', '-n', '0.4', '-F', sshd.sshConfig, '-l', glob, 'h1'], { cwd: sshd.dir, env: { HOME: sshd.dir } });
    assert.equal(summed.code, 0, summed.stderr);
    const sum = JSON.parse(summed.stdout).hosts;
    assert.equal(sum.length, 1);
    assert.equal(sum[0].log, glob);
    assert.ok(sum[0].rate > 0);

    const split = await runCli(['--json', '-n', '1', '--split', '-F', sshd.sshConfig, '-l', glob, 'h1'], { cwd: sshd.dir, env: { HOME: sshd.dir } });
    const rows = JSON.parse(split.stdout).hosts;
    assert.deepEqual(rows.map((row: { log: string }) => row.log).sort(), [blog, shop]);
    const rate = (file: string) => rows.find((row: { log: string }) => row.log === file).rate;
    // shop gets three lines for every one of blog's (each writer tick appends both). The files are read one
    // after the other within a sample, so on a loaded machine their windows can differ by a good fraction of
    // a second: the ratio is checked loosely, enough to show each row counts its own file.
    assert.ok(rate(shop) / rate(blog) > 2 && rate(shop) / rate(blog) < 4.5, `${rate(shop)} vs ${rate(blog)}`);

    const table = await runCli(['-n', '0.4', '--split', '--no-color', '-F', sshd.sshConfig, '-l', glob, 'h1'], { cwd: sshd.dir, env: { HOME: sshd.dir } });
    assert.match(table.stdout, /│ h1 +│ default │ .*blog\.access\.log +│ +[\d.]+ │/);
    assert.match(table.stdout, /│ h1 +│ default │ .*shop\.access\.log +│ +[\d.]+ │/);
  } finally {
    clearInterval(writer);
  }
});

test('a file born after the last reading is counted from its first line; one moved in from before makes one sample unknown', async () => {
  const dir = path.join(vhosts, 'grow');
  mkdirSync(dir);
  chmodSync(dir, 0o777);
  const first = makeLog(sshd, 'vhosts/grow/one.log');
  const early = makeLog(sshd, 'vhosts/grow/early.txt');
  const transport = sshTransport(sshd);
  try {
    const s = new Schedule(sampler([plan('h1', path.join(dir, '*.log'))], transport));
    await s.step();
    appendLines(first, 5);
    assert.equal((await s.step()).rows[0]?.lines, 5);
    // Clearly after that reading (the host's clock has 10 ms steps), whatever the machine's load.
    await new Promise((resolve) => setTimeout(resolve, 100));
    const second = makeLog(sshd, 'vhosts/grow/two.log');
    appendLines(first, 5);
    appendLines(second, 3);
    const appeared = (await s.step()).rows[0]!;
    assert.deepEqual([appeared.status, appeared.lines], ['ok', 8]);
    appendLines(first, 2);
    appendLines(second, 7);
    assert.equal((await s.step()).rows[0]?.lines, 9);
    // A file made before the last reading, then moved into the glob: its lines may be older than the interval.
    appendLines(early, 4);
    renameSync(early, path.join(dir, 'early.log'));
    const moved = (await s.step()).rows[0]!;
    assert.deepEqual([moved.status, moved.rate], ['ok', null]);
    appendLines(path.join(dir, 'early.log'), 1);
    assert.equal((await s.step()).rows[0]?.lines, 1);
  } finally {
    await transport.close();
  }
});

test('a glob that matches nothing is a missing log', async () => {
  const result = await runCli(['--json', '-n', '0.2', '-F', sshd.sshConfig, '-l', path.join(vhosts, 'none-*.log'), 'h1'], { cwd: sshd.dir, env: { HOME: sshd.dir } });
  assert.equal(result.code, 1);
  assert.equal(JSON.parse(result.stdout).hosts[0].status, 'nolog');
});
