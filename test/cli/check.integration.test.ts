/**
 * pvlook check as Nagios runs it, against a real sshd: exit code and one
 * status line with perfdata, for OK, CRITICAL, WARNING and UNKNOWN.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { startSshd, type Sshd } from '../helpers/sshd.js';
import { appendLines, makeLog } from '../helpers/fleet.js';
import { runCli } from '../helpers/run-cli.js';
import { parsePluginOutput } from '../helpers/nagios.js';

let sshd: Sshd;
let busy: string;
let idle: string;
let writer: NodeJS.Timeout;
before(async () => {
  sshd = await startSshd({ hostCount: 2 });
  busy = makeLog(sshd, 'busy.log');
  idle = makeLog(sshd, 'idle.log');
  writer = setInterval(() => appendLines(busy, 10), 10);
});
after(async () => {
  clearInterval(writer);
  await sshd?.stop();
});

const check = (...args: string[]) => runCli(['check', '-F', sshd.sshConfig, '-n', '0.3', '--samples', '3', '--timeout', '5', ...args], { cwd: sshd.dir, env: { HOME: sshd.dir } });

test('OK: every rate within the thresholds; exit 0 and perfdata per host', async () => {
  const result = await check('-l', busy, '--min-rate', '1', 'h1', 'h2');
  assert.equal(result.code, 0, result.stdout);
  const out = parsePluginOutput(result.stdout.trim());
  assert.equal(out.state, 'OK');
  assert.match(out.text, /^2 logs, [\d.]+ lines\/s in total$/);
  assert.deepEqual(out.perf.map((p) => [p.label, p.crit]), [['h1 default', '1:'], ['h2 default', '1:'], ['total', '']]);
  assert.ok(out.perf.every((p) => typeof p.value === 'number' && p.value > 100));
});

test('CRITICAL: an idle log under --min-rate; per-group thresholds from the config file', async () => {
  const config = path.join(sshd.dir, 'check.yaml');
  writeFileSync(config, `sshConfig: ${sshd.sshConfig}\ngroups:\n  busy:\n    log: ${busy}\n    hosts: [h1]\n    check: { minRate: 1 }\n  idle:\n    log: ${idle}\n    hosts: [h2]\n    check: { minRate: 1 }\n`);
  const result = await runCli(['check', '-c', config, '-n', '0.3', '--samples', '3'], { cwd: sshd.dir, env: { HOME: sshd.dir } });
  assert.equal(result.code, 2, result.stdout);
  const out = parsePluginOutput(result.stdout.trim());
  assert.equal(out.state, 'CRITICAL');
  assert.match(out.text, /h2 \(idle\) CRITICAL: 0\/s < 1\/s/);
  assert.deepEqual(out.perf.find((p) => p.label === 'h2 idle')?.value, 0);
  // --max-rate from the command line applies to every group.
  const high = await runCli(['check', '-c', config, '-n', '0.3', '--samples', '2', '--max-rate', '1'], { cwd: sshd.dir, env: { HOME: sshd.dir } });
  assert.equal(high.code, 2);
  assert.match(high.stdout, /h1 \(busy\) CRITICAL: [\d.]+\/s > 1\/s/);
});

test('WARNING: a host that cannot be sampled while the others can; UNKNOWN when none can', async () => {
  const some = await check('-l', busy, `${sshd.addresses[0]}:1`, 'h1');
  assert.equal(some.code, 1, some.stdout);
  assert.match(parsePluginOutput(some.stdout.trim()).text, /127\.0\.0\.\d+:1 \(default\) WARNING: refused: connection refused/);
  const none = await check('-l', busy, `${sshd.addresses[0]}:1`);
  assert.equal(none.code, 3);
  assert.equal(parsePluginOutput(none.stdout.trim()).state, 'UNKNOWN');
});

test('UNKNOWN with exit 3 for usage and configuration errors, on stdout where Nagios reads', async () => {
  for (const args of [['--min-rate', 'lots', '-l', busy, 'h1'], ['--bogus'], ['-l', busy]]) {
    const result = await check(...args);
    assert.equal(result.code, 3, args.join(' '));
    assert.match(result.stdout, /^PVLOOK UNKNOWN - .+\n$/);
  }
});

test('--json: the same verdict for scripts', async () => {
  const result = await check('-l', busy, '--json', '--min-rate', '1000000', 'h1');
  assert.equal(result.code, 2);
  const json = JSON.parse(result.stdout);
  assert.deepEqual([json.state, json.code], ['CRITICAL', 2]);
  assert.deepEqual(Object.keys(json.hosts[0]).sort(), ['drop', 'error', 'group', 'host', 'log', 'peer', 'rate', 'reasons', 'state', 'status']);
  assert.equal(json.hosts[0].state, 'CRITICAL');
});
