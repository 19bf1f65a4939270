/**
 * Prometheus metrics against real sshd hosts: /metrics scraped over HTTP while
 * pvlook watches, and the node_exporter textfile, both checked with
 * Prometheus's own parser (promtool check metrics).
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { main } from '../../src/cli/main.js';
import { startSshd, type Sshd } from '../helpers/sshd.js';
import { appendLines, makeLog } from '../helpers/fleet.js';
import { runCli } from '../helpers/run-cli.js';

let sshd: Sshd;
let log: string;
let writer: NodeJS.Timeout;
before(async () => {
  sshd = await startSshd({ hostCount: 2 });
  log = makeLog(sshd, 'metrics.log');
  writer = setInterval(() => appendLines(log, 5), 10);
});
after(async () => {
  clearInterval(writer);
  await sshd?.stop();
});

/** Prometheus's own parser and linter; exit 0 means the exposition is valid. */
function promtool(text: string): { ok: boolean; output: string } {
  const result = spawnSync('promtool', ['check', 'metrics'], { input: text });
  if (result.error) throw new Error(`promtool is needed for this test (Debian: apt-get install prometheus): ${result.error.message}`);
  return { ok: result.status === 0, output: `${result.stdout}${result.stderr}` };
}

/** The value of one sample, by metric name and exact label set text. */
function sample(text: string, name: string, labels: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${name}{${labels}}`));
  return line === undefined ? undefined : Number(line.split(' ').at(-1));
}

test('--listen serves /metrics while watching; promtool accepts it; counters, rates and up are right', async () => {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  let err = '';
  stdout.on('data', (chunk: Buffer) => (out += chunk));
  let urlFound: (url: string) => void;
  const url = new Promise<string>((resolve) => (urlFound = resolve));
  stderr.on('data', (chunk: Buffer) => {
    err += chunk;
    const match = /serving Prometheus metrics at (\S+)/.exec(err);
    if (match) urlFound(match[1]!);
  });
  const dead = `${sshd.addresses[0]}:1`;
  const running = main(['--count', '20', '-n', '0.3', '--listen', '127.0.0.1:0', '-F', sshd.sshConfig, '-l', log, 'h1', 'h2', dead], {
    stdout,
    stderr,
    stdin: null,
    env: { PATH: process.env.PATH ?? '', HOME: sshd.dir },
    cwd: sshd.dir,
  });
  const endpoint = await url;
  assert.match(endpoint, /^http:\/\/127\.0\.0\.1:\d+\/metrics$/);
  const labels = (host: string) => `host="${host}",group="default",log="${log}"`;
  // Scrape until both hosts answered in time with a rate (two samples each): on a loaded machine a host
  // may connect a tick later, or be stale (up 0, no rate) at the moment of a scrape.
  const complete = (text: string) =>
    (sample(text, 'pvlook_log_lines_total', labels('h1')) ?? 0) > 0 &&
    sample(text, 'pvlook_host_up', 'host="h1"') === 1 &&
    (sample(text, 'pvlook_log_lines_per_second', labels('h2')) ?? 0) > 0;
  let body = '';
  while (!complete(body)) {
    const response = await fetch(endpoint).catch((error: unknown) => {
      throw new Error(`pvlook stopped serving before both hosts had a rate; last scrape:\n${body}`, { cause: error });
    });
    assert.equal(response.status, 200);
    assert.match(response.headers.get('content-type') ?? '', /^text\/plain; version=0\.0\.4/);
    body = await response.text();
    if (!complete(body)) await new Promise((resolve) => setTimeout(resolve, 100));
  }
  assert.equal((await fetch(endpoint.replace('/metrics', '/other'))).status, 404);
  const code = await running;
  assert.equal(code, 1, 'a dead host makes the run exit 1');
  assert.equal(out, '', 'no table per tick when exporting without a terminal');

  const checked = promtool(body);
  assert.ok(checked.ok, checked.output);
  assert.ok(sample(body, 'pvlook_log_lines_total', labels('h1'))! > 0);
  assert.ok(sample(body, 'pvlook_log_lines_per_second', labels('h2'))! > 0);
  assert.equal(sample(body, 'pvlook_log_lines_per_second', labels(dead)), undefined, 'no rate is exported for a host without one');
  assert.equal(sample(body, 'pvlook_host_up', 'host="h1"'), 1);
  assert.equal(sample(body, 'pvlook_host_up', `host="${dead}"`), 0);
  assert.match(body, /^# TYPE pvlook_log_lines_total counter$/m);
  assert.match(body, /^pvlook_round_duration_seconds \d/m);
  assert.match(body, /^pvlook_logs\{state="failed"\} 1$/m);
});

test('--textfile writes the same metrics atomically every tick, for node_exporter', async () => {
  const file = path.join(sshd.dir, 'pvlook.prom');
  const result = await runCli(['--count', '8', '-n', '0.3', '--textfile', file, '-F', sshd.sshConfig, '-l', log, 'h1'], { cwd: sshd.dir, env: { HOME: sshd.dir } });
  assert.equal(result.code, 0, result.stderr);
  const text = readFileSync(file, 'utf8');
  const checked = promtool(text);
  assert.ok(checked.ok, checked.output);
  assert.ok(sample(text, 'pvlook_log_lines_per_second', `host="h1",group="default",log="${log}"`)! > 0);
  assert.deepEqual(readdirSync(sshd.dir).filter((name) => name.includes('.tmp')), [], 'no temporary file left behind');
});

test('a --textfile that cannot be written is reported once on stderr, and the watch goes on to its last tick', async () => {
  const file = path.join(sshd.dir, 'no-such-folder', 'pvlook.prom');
  const result = await runCli(['--count', '4', '-n', '0.3', '--textfile', file, '-F', sshd.sshConfig, '-l', log, 'h1'], { cwd: sshd.dir, env: { HOME: sshd.dir } });
  assert.equal(result.code, 0, `every tick ran and the host was sampled: ${result.stderr}`);
  assert.equal(result.stderr, `pvlook: --textfile ${file}: cannot write (no such folder); watching goes on\n`);
});

test('a busy or malformed --listen address is a usage error', async () => {
  const taken = createServer();
  await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
  const { port } = taken.address() as AddressInfo;
  try {
    const busy = await runCli(['--listen', `127.0.0.1:${port}`, '-F', sshd.sshConfig, '-l', log, 'h1'], { cwd: sshd.dir, env: { HOME: sshd.dir } });
    assert.equal(busy.code, 2);
    assert.match(busy.stderr, /--listen 127\.0\.0\.1:\d+: address already in use/);
  } finally {
    taken.close();
  }
  const bad = await runCli(['--listen', 'nine-thousand', '-l', log, 'h1'], { cwd: sshd.dir, env: { HOME: sshd.dir } });
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /--listen "nine-thousand": expected \[host:\]port/);
});
