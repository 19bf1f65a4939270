/**
 * deploy/systemd: the template unit passes systemd's own checks (verify, and
 * the offline security review), and its files say what pvlook reads: the
 * shards it starts cover the example fleet exactly once, and OpenSSH reads
 * the ssh_config as meant.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseCommandLine, type CliArgs } from '../../src/cli/args.js';
import { resolveConfig } from '../../src/config/resolve.js';
import { repoRoot } from '../helpers/pvlook-command.js';

const folder = path.join(repoRoot, 'deploy/systemd');
const unitText = readFileSync(path.join(folder, 'pvlook@.service'), 'utf8');
const BINARY = '/usr/local/bin/pvlook';

function systemdAnalyze(args: string[]): { status: number | null; output: string } {
  const result = spawnSync('systemd-analyze', args, { encoding: 'utf8' });
  if (result.error) throw new Error(`systemd-analyze is needed for this test (Debian: apt-get install systemd): ${result.error.message}`);
  return { status: result.status, output: `${result.stdout}${result.stderr}` };
}

/**
 * The unit in a folder of its own, its ExecStart binary swapped for a stub
 * there: verify insists the binary exists, and pvlook is not installed here.
 */
function unitCopy(): { dir: string; instance: (i: number) => string } {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'pvlook-unit-'));
  const stub = path.join(dir, 'pvlook');
  writeFileSync(stub, '#!/bin/sh\n');
  chmodSync(stub, 0o755);
  assert.ok(unitText.includes(`ExecStart=${BINARY} `));
  writeFileSync(path.join(dir, 'pvlook@.service'), unitText.replaceAll(BINARY, stub));
  return { dir, instance: (i) => path.join(dir, `pvlook@${i}.service`) };
}

/** key=value lines of a unit section (the last value of a key wins, as in systemd, except where a list is wanted) */
function section(text: string, name: string): [string, string][] {
  const body = text.split(/^\[/m).find((part) => part.startsWith(`${name}]`)) ?? '';
  return body
    .split('\n')
    .slice(1)
    .filter((line) => /^[A-Za-z]+=/.test(line))
    .map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)]);
}

test('systemd-analyze verify accepts pvlook@.service with no warning', () => {
  const unit = unitCopy();
  try {
    for (const i of [1, 2, 3]) {
      const checked = systemdAnalyze(['verify', '--man=no', unit.instance(i)]);
      assert.equal(checked.status, 0, checked.output);
      assert.equal(checked.output.trim(), '', 'no warning either (an unknown or misspelt key is only a warning)');
    }
  } finally {
    rmSync(unit.dir, { recursive: true, force: true });
  }
});

test('systemd rates the unit\'s exposure low (offline security review), with the hardening the guide asks for', () => {
  const unit = unitCopy();
  try {
    const review = systemdAnalyze(['security', '--offline=true', unit.instance(1)]);
    assert.equal(review.status, 0, review.output);
    const level = /Overall exposure level for \S+: ([\d.]+)/.exec(review.output);
    assert.ok(level, review.output);
    assert.ok(Number(level[1]) <= 2, `exposure ${level[1]} (0 is best, 10 worst)`);
  } finally {
    rmSync(unit.dir, { recursive: true, force: true });
  }
  const service = new Map(section(unitText, 'Service'));
  for (const [key, value] of [
    ['User', 'pvlook'],
    ['NoNewPrivileges', 'yes'],
    ['ProtectSystem', 'strict'],
    ['ProtectHome', 'yes'],
    ['PrivateTmp', 'yes'],
    ['Restart', 'on-failure'],
    ['StateDirectory', 'pvlook'],
  ]) {
    assert.equal(service.get(key!), value, key);
  }
});

/** An EnvironmentFile as systemd reads it: KEY=value lines, # comments. */
function environmentFile(file: string): Record<string, string> {
  const env: Record<string, string> = {};
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    const match = /^([A-Z_][A-Z0-9_]*)=(.*)$/.exec(line.trim());
    if (match) env[match[1]!] = match[2]!;
  }
  return env;
}

test('pvlook@1 … pvlook@SHARDS, started as the unit says with the example files, watch every host of the example exactly once', async () => {
  const service = section(unitText, 'Service');
  const env = environmentFile(path.join(folder, 'pvlook.env'));
  const shards = Number(env.SHARDS);
  assert.ok(shards >= 2);
  // The example files stand where the unit reads them.
  const etc = mkdtempSync(path.join(os.tmpdir(), 'pvlook-etc-'));
  try {
    const config = readFileSync(path.join(folder, 'pvlook.yaml'), 'utf8');
    writeFileSync(path.join(etc, 'pvlook.yaml'), config);
    const execStart = service.find(([key]) => key === 'ExecStart')?.[1] ?? '';
    const labels: string[][] = [];
    for (let i = 1; i <= shards; i++) {
      // What systemd runs: %i is the instance, ${SHARDS} one word from the EnvironmentFile.
      const argv = execStart
        .split(/\s+/)
        .slice(1)
        .map((word) => word.replaceAll('%i', String(i)).replaceAll('${SHARDS}', String(shards)).replace('/etc/pvlook/', `${etc}/`));
      const parsed = parseCommandLine(argv, '0.0.0');
      assert.equal(parsed.kind, 'run');
      const args = (parsed as { args: CliArgs }).args;
      // As shipped, the token is empty: pvlook refuses to listen beyond loopback until the operator sets one.
      await assert.rejects(resolveConfig(args, { env: { ...env, HOME: etc }, cwd: etc, stdoutIsTTY: false }), /needs a token: set PVLOOK_WEB_TOKEN/);
      const resolved = await resolveConfig(args, { env: { ...env, PVLOOK_WEB_TOKEN: 'the-operators-own-token-0123', HOME: etc }, cwd: etc, stdoutIsTTY: false });
      assert.equal(resolved.mode, 'watch', '--listen from pvlook.env makes it watch');
      assert.equal(resolved.listen?.port, 9469);
      labels.push(resolved.hosts.map((host) => host.spec.label));
    }
    const all = labels.flat();
    assert.equal(new Set(all).size, all.length, 'no host in two shards');
    assert.equal(all.length, 340, 'web[001-300] and api[01-40]');
    assert.ok(labels.every((part) => part.length > 0));
  } finally {
    rmSync(etc, { recursive: true, force: true });
  }
});

test('OpenSSH reads the example ssh_config as documented: the key and known_hosts under /etc/pvlook, strict host keys', () => {
  const result = spawnSync('ssh', ['-G', '-F', path.join(folder, 'ssh_config'), 'web001'], { encoding: 'utf8' });
  assert.equal(result.status, 0, result.stderr);
  const settings = new Map(result.stdout.split('\n').map((line) => [line.slice(0, line.indexOf(' ')), line.slice(line.indexOf(' ') + 1)]));
  assert.equal(settings.get('identityfile'), '/etc/pvlook/id_ed25519');
  assert.equal(settings.get('userknownhostsfile'), '/etc/pvlook/known_hosts');
  assert.equal(settings.get('stricthostkeychecking'), 'true');
  assert.ok(readFileSync(path.join(folder, 'pvlook.yaml'), 'utf8').includes('sshConfig: /etc/pvlook/ssh_config'));
});
