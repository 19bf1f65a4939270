/**
 * Pattern counts against a real sshd: a writer whose every tenth line is a
 * 5xx response; pvlook must report that share, in JSON, the table and checks.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { appendFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { startSshd, type Sshd } from '../helpers/sshd.js';
import { makeLog } from '../helpers/fleet.js';
import { runCli } from '../helpers/run-cli.js';
import { parsePluginOutput } from '../helpers/nagios.js';

let sshd: Sshd;
let log: string;
let writer: NodeJS.Timeout;
// Nine good lines and one server error, written as one block so samples never split it.
const BLOCK = Array.from({ length: 10 }, (_, i) => `10.0.0.${i} - - [25/Nov/2026:10:00:00 +0000] "GET /p${i} HTTP/1.1" ${i === 9 ? 503 : 200} 512\n`).join('');

before(async () => {
  sshd = await startSshd({ hostCount: 2 });
  log = makeLog(sshd, 'errors.log');
  writer = setInterval(() => appendFileSync(log, BLOCK.repeat(3)), 10);
});
after(async () => {
  clearInterval(writer);
  await sshd?.stop();
});

const ERRORS = 'errors=" 5[0-9][0-9] ';

test('--json: each log reports the lines matching each pattern, their rate and share', async () => {
  const result = await runCli(['--json', '-n', '0.4', '-F', sshd.sshConfig, '-l', log, '--pattern', ERRORS, '--pattern', 'gets="GET ', 'h1', 'h2'], { cwd: sshd.dir, env: { HOME: sshd.dir } });
  assert.equal(result.code, 0, result.stderr);
  const json = JSON.parse(result.stdout);
  for (const host of json.hosts) {
    const { errors, gets } = host.patterns;
    assert.ok(host.lines > 0);
    assert.equal(gets.lines, host.lines, 'every line is a GET');
    // One error in ten lines, give or take the one line a sample boundary may cut a write at.
    assert.ok(Math.abs(errors.lines * 10 - host.lines) <= 10, `${errors.lines} errors in ${host.lines} lines`);
    assert.ok(Math.abs(errors.share - 0.1) <= 1 / host.lines + 1e-9, `share ${errors.share}`);
    assert.ok(Math.abs(errors.rate / host.rate - errors.share) < 1e-3);
  }
});

test('the table shows a rate and a share column per pattern', async () => {
  const result = await runCli(['-n', '0.4', '-F', sshd.sshConfig, '-l', log, '--pattern', ERRORS, 'h1'], { cwd: sshd.dir, env: { HOME: sshd.dir } });
  assert.equal(result.code, 0, result.stderr);
  assert.match(result.stdout, /│ host +│ group +│ log +│ lines\/s │ peers │ errors\/s │ errors % │ trend +│ status +│/);
  assert.match(result.stdout, /│ h1 .*│ +[\d.]+ │ — +│ +[\d.]+ │ +(9\.\d|10\.\d)% │/);
});

test('patterns from the config file per group, and check --json with maxShare', async () => {
  const config = path.join(sshd.dir, 'patterns.yaml');
  writeFileSync(config, `sshConfig: ${sshd.sshConfig}\ngroups:\n  web:\n    log: ${log}\n    hosts: [h1]\n    patterns:\n      errors: '" 5[0-9][0-9] '\n    check:\n      maxShare: { errors: 5 }\n`);
  const result = await runCli(['check', '-c', config, '-n', '0.3', '--samples', '2'], { cwd: sshd.dir, env: { HOME: sshd.dir } });
  assert.equal(result.code, 2, result.stdout);
  const out = parsePluginOutput(result.stdout.trim());
  assert.match(out.text, /h1 \(web\) CRITICAL: errors (9\.\d|10\.\d)% of lines > 5%/);
  const share = out.perf.find((p) => p.label === 'h1 web errors');
  assert.deepEqual({ ...share, value: undefined }, { label: 'h1 web errors', value: undefined, warn: '', crit: '5', min: '0', max: '100' });
  assert.ok(Math.abs((share!.value as number) - 10) < 1);
  const relaxed = await runCli(['check', '-c', config, '-n', '0.3', '--samples', '2', '--json'], { cwd: sshd.dir, env: { HOME: sshd.dir } });
  assert.equal(JSON.parse(relaxed.stdout).state, 'CRITICAL');
});

test('a bad --pattern is a usage error', async () => {
  const result = await runCli(['-l', log, '--pattern', 'no-equals-sign', 'h1'], { cwd: sshd.dir, env: { HOME: sshd.dir } });
  assert.equal(result.code, 2);
  assert.match(result.stderr, /--pattern "no-equals-sign": expected name=regex/);
});
