/**
 * pvlook as a user runs it, against a real sshd: snapshot, watch, JSON, exit codes.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { startSshd, type Sshd } from '../helpers/sshd.js';
import { appendLines, makeLog } from '../helpers/fleet.js';
import { runCli } from '../helpers/run-cli.js';

const run = promisify(execFile);
let sshd: Sshd;
let log: string;
let writer: NodeJS.Timeout;

before(async () => {
  sshd = await startSshd({ hostCount: 3 });
  log = makeLog(sshd, 'access.log', 10);
  writer = setInterval(() => appendLines(log, 5), 20);
});
after(async () => {
  clearInterval(writer);
  await sshd?.stop();
});

const env = () => ({ HOME: sshd.dir });
const base = () => ['-F', sshd.sshConfig, '-l', log, '--timeout', '5'];

test('snapshot: a table with every host, a total row, no colour when not a terminal, exit 0', async () => {
  const result = await runCli([...base(), '-n', '0.3', ...sshd.hosts], { env: env(), cwd: sshd.dir });
  assert.equal(result.stderr, '');
  assert.equal(result.code, 0);
  for (const host of sshd.hosts) assert.match(result.stdout, new RegExp(`│ ${host} +│ default +│ .*access\\.log +│ +[\\d.]+ │ (?:[\\d.]+×|—) +│ — +│ ok`));
  assert.match(result.stdout, /│ total .*3 ok/);
  assert.ok(!result.stdout.includes('\u001b'), 'no escape codes');
});

test('--json snapshot: one object in the documented shape', async () => {
  const result = await runCli([...base(), '--json', '-n', '0.3', 'h1', 'h2'], { env: env(), cwd: sshd.dir });
  assert.equal(result.code, 0);
  const lines = result.stdout.trim().split('\n');
  assert.equal(lines.length, 1);
  const json = JSON.parse(lines[0]!);
  assert.equal(typeof json.time, 'string');
  assert.ok(!Number.isNaN(Date.parse(json.time)));
  assert.equal(json.interval, 0.3);
  assert.deepEqual(Object.keys(json.hosts[0]).sort(), ['age', 'change', 'error', 'group', 'host', 'lines', 'log', 'peer', 'rate', 'status', 'trend']);
  for (const host of json.hosts) {
    assert.equal(host.status, 'ok');
    assert.equal(host.log, log);
    assert.ok(host.rate > 0 && Number.isInteger(host.lines) && host.lines > 0);
  }
  assert.deepEqual(json.hosts.map((h: { host: string }) => h.host), ['h1', 'h2']);
  assert.equal(json.total.ok, 2);
  assert.equal(json.total.failed, 0);
  assert.ok(Math.abs(json.total.rate - json.hosts[0].rate - json.hosts[1].rate) < 0.01);
});

test('--watch --json --count: one JSON object per tick, one per line', async () => {
  const result = await runCli([...base(), '--watch', '--json', '--count', '3', '-n', '0.2', 'h1', 'h3'], { env: env(), cwd: sshd.dir });
  assert.equal(result.code, 0);
  const ticks = result.stdout.trim().split('\n').map((line) => JSON.parse(line));
  assert.equal(ticks.length, 3);
  assert.deepEqual(ticks[0].hosts.map((h: { rate: unknown }) => h.rate), [null, null], 'the first view comes after one answer each: no rate yet');
  // Each host keeps its own schedule: a rate appears once it has answered twice, and is never zero or negative here.
  for (const tick of ticks) for (const host of tick.hosts) assert.ok(host.rate === null || host.rate > 0, JSON.stringify(host));
  assert.deepEqual(ticks.at(-1).hosts.map((h: { status: string }) => h.status), ['ok', 'ok']);
});

test('--watch without a terminal prints one plain table per tick, no escape codes', async () => {
  const result = await runCli([...base(), '-w', '--count', '2', '-n', '0.2', 'h2'], { env: env(), cwd: sshd.dir });
  assert.equal(result.code, 0);
  assert.equal(result.stdout.match(/│ total /g)?.length, 2);
  assert.ok(!result.stdout.includes('\u001b'), 'no escape codes');
});

test('exit 1 when a host fails, and the others are still reported', async () => {
  const result = await runCli([...base(), '-n', '0.2', 'h1', `${sshd.addresses[1]}:1`, 'h3'], { env: env(), cwd: sshd.dir });
  assert.equal(result.code, 1);
  assert.match(result.stdout, /│ h1 .*│ ok/);
  assert.match(result.stdout, /│ h3 .*│ ok/);
  assert.match(result.stdout, /✗ refused/);
  assert.match(result.stdout, /connection refused by 127\.0\.0\.\d+:1/);
  assert.doesNotMatch(result.stdout + result.stderr, /\n\s+at /, 'no stack trace');
});

test('exit 2 on a config mistake, naming the file, the key and the value', async () => {
  const file = path.join(sshd.dir, 'bad.json');
  writeFileSync(file, JSON.stringify({ interval: -1, groups: { web: { log: '/x', hosts: ['a'], colour: true } } }));
  const result = await runCli(['-c', file, 'h1'], { env: env(), cwd: sshd.dir });
  assert.equal(result.code, 2);
  assert.equal(result.stdout, '');
  assert.match(result.stderr, /bad\.json/);
  assert.match(result.stderr, /key "interval": .*got -1/);
  assert.match(result.stderr, /unknown key "groups\.web\.colour"/);
});

test('exit 2 on usage mistakes, with a hint', async () => {
  const unknown = await runCli(['--bogus'], { env: env(), cwd: sshd.dir });
  assert.equal(unknown.code, 2);
  assert.match(unknown.stderr, /unknown option '--bogus'/);
  const noHosts = await runCli(['-l', '/x'], { env: env(), cwd: sshd.dir });
  assert.equal(noHosts.code, 2);
  assert.match(noHosts.stderr, /no hosts to watch/);
});

test('--help and --version answer and exit 0', async () => {
  const help = await runCli(['--help'], { env: env() });
  assert.equal(help.code, 0);
  assert.match(help.stdout, /Usage: pvlook \[options\] \[host\.\.\.\]/);
  assert.match(help.stdout, /--watch/);
  assert.match(help.stdout, /Exit status/);
  const version = await runCli(['-V'], { env: env() });
  assert.equal(version.code, 0);
  assert.match(version.stdout, /^\d+\.\d+\.\d+\n$/);
});

test('the pvlook command itself: hosts from a config file group, JSON to a pipe, exit status', async () => {
  const config = path.join(sshd.dir, '.pvlookrc.yaml');
  writeFileSync(config, `sshConfig: ${sshd.sshConfig}\ninterval: 0.2\ngroups:\n  web:\n    log: ${JSON.stringify(log)}\n    hosts: ["h[1-3]"]\n`);
  const bin = path.join(import.meta.dirname, '../../src/bin.ts');
  const { stdout } = await run(process.execPath, ['--import', import.meta.resolve('tsx'), bin, '--json', '-g', 'web'], {
    cwd: sshd.dir,
    env: { PATH: process.env.PATH, HOME: sshd.dir },
  });
  const json = JSON.parse(stdout);
  assert.deepEqual(json.hosts.map((h: { host: string; group: string }) => `${h.host}/${h.group}`), ['h1/web', 'h2/web', 'h3/web']);
  assert.equal(json.total.ok, 3);
});

test('a fleet larger than the open-files limit: a warning up front, a clear reason on the hosts that cannot connect, no crash', async () => {
  // Node itself needs about 100 descriptors while it loads pvlook's modules, so the limit sits above that and the fleet above the limit.
  const aliases = Array.from({ length: 150 }, (_, i) => `fd${i}`);
  const config = path.join(sshd.dir, 'ssh_config.fd');
  writeFileSync(config, `Host fd*\n  HostName ${sshd.addresses[0]}\n${readFileSync(sshd.sshConfig, 'utf8')}`);
  const bin = path.join(import.meta.dirname, '../../src/bin.ts');
  const command = `ulimit -n 160; exec ${JSON.stringify(process.execPath)} --import ${JSON.stringify(import.meta.resolve('tsx'))} ${JSON.stringify(bin)} --json -n 0.3 -F ${JSON.stringify(config)} -l ${JSON.stringify(log)} ${aliases.join(' ')}`;
  const result = await run('bash', ['-c', command], { cwd: sshd.dir, env: { PATH: process.env.PATH, HOME: sshd.dir } }).catch((error: { code: number; stdout: string; stderr: string }) => error);
  assert.equal((result as { code?: number }).code, 1);
  assert.match(result.stderr, /warning: watching 150 hosts needs about 214 open files, but this process may open only 160/);
  const json = JSON.parse(result.stdout);
  const statuses = new Set(json.hosts.map((h: { status: string }) => h.status));
  assert.ok(statuses.has('ok'), 'the hosts that fit are sampled');
  const failed = json.hosts.filter((h: { status: string }) => h.status !== 'ok');
  assert.ok(failed.length > 0);
  for (const host of failed) assert.match(host.error, /too many open files .*ulimit -n/);
});
