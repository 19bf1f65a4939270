/**
 * pvlook doctor against a real sshd: a healthy host with every step shown,
 * and one host per way a step fails (closed port, unknown and changed host
 * key, refused login, missing log, ProxyCommand), each stopping there with
 * its fix; a jump host; the --json shape; exit codes.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, execSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { closedPort, startSshd, type Sshd } from '../helpers/sshd.js';
import { makeLog } from '../helpers/fleet.js';
import { runCli } from '../helpers/run-cli.js';

let sshd: Sshd;
let log: string;
let config: string;
let emptyKnownHosts: string;
let otherKnownHosts: string;

before(async () => {
  sshd = await startSshd({ hostCount: 2 });
  log = makeLog(sshd, 'access.log', 5);
  emptyKnownHosts = path.join(sshd.dir, 'empty_known_hosts');
  writeFileSync(emptyKnownHosts, '');
  // Another key on file for the host: what a reinstalled server (or an attacker) looks like.
  otherKnownHosts = path.join(sshd.dir, 'other_known_hosts');
  execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', path.join(sshd.dir, 'other_host_key')]);
  const otherKey = readFileSync(path.join(sshd.dir, 'other_host_key.pub'), 'utf8').split(' ').slice(0, 2).join(' ');
  writeFileSync(otherKnownHosts, `# another host\n[${sshd.addresses[0]}]:${sshd.port} ${otherKey}\n`);
  // Specific hosts first: in ssh_config the first value given for an option wins.
  config = path.join(sshd.dir, 'doctor_ssh_config');
  writeFileSync(
    config,
    [
      'Host unknown-key',
      `  HostName ${sshd.addresses[0]}`,
      `  UserKnownHostsFile ${emptyKnownHosts}`,
      'Host changed-key',
      `  HostName ${sshd.addresses[0]}`,
      `  UserKnownHostsFile ${otherKnownHosts}`,
      'Host stranger',
      `  HostName ${sshd.addresses[0]}`,
      '  User nobody',
      'Host via-jump',
      `  HostName ${sshd.addresses[1]}`,
      '  ProxyJump h1',
      'Host proxy-command',
      `  HostName ${sshd.addresses[1]}`,
      `  ProxyCommand ssh -F ${sshd.sshConfig} -W %h:%p h1`,
      readFileSync(sshd.sshConfig, 'utf8'),
    ].join('\n'),
  );
});
after(async () => {
  await sshd?.stop();
});

const doctor = (...args: string[]) => runCli(['doctor', '-F', config, '--timeout', '5', ...args], { cwd: sshd.dir, env: { HOME: sshd.dir } });

interface JsonStep {
  name: string;
  ok: boolean | null;
  status: string;
  detail: string;
  fix: string | null;
}

async function steps(...args: string[]): Promise<{ code: number; steps: Record<string, JsonStep> }> {
  const result = await doctor('--json', ...args);
  const json = JSON.parse(result.stdout) as { hosts: { steps: JsonStep[] }[] };
  assert.equal(json.hosts.length, 1);
  return { code: result.code, steps: Object.fromEntries(json.hosts[0]!.steps.map((step) => [step.name, step])) };
}

function statuses(found: Record<string, JsonStep>): string[] {
  return Object.values(found).map((step) => `${step.name} ${step.status}`);
}

test('a healthy host: every step ok, the known_hosts line that vouched named, the shell and tools described, the log readable; exit 0', async () => {
  const result = await doctor('-l', log, 'h1');
  assert.equal(result.code, 0, result.stdout + result.stderr);
  const lines = result.stdout.split('\n');
  assert.equal(lines[0], 'h1: ready to sample');
  assert.match(result.stdout, new RegExp(`✓ resolve +${sshd.user}@${sshd.addresses[0]!.replaceAll('.', '\\.')} port ${sshd.port}; identity ${path.join(sshd.dir, 'id_ed25519')};`));
  assert.match(result.stdout, /✓ transport +built-in client/);
  assert.match(result.stdout, new RegExp(`✓ connect +${sshd.addresses[0]!.replaceAll('.', '\\.')}:${sshd.port} in \\d+ ms`));
  assert.match(result.stdout, new RegExp(`✓ handshake +ssh-ed25519 SHA256:\\S+, vouched for by ${sshd.knownHosts}:1 `));
  assert.match(result.stdout, new RegExp(`✓ login +${sshd.user}: publickey, identity file ${path.join(sshd.dir, 'id_ed25519')}`));
  assert.match(result.stdout, /✓ shell +sh (dash|bash)\b.*; clock \/proc\/uptime; \/proc\/uptime yes; \/dev\/fd yes; date %N yes; stat birth time .*; timeout yes; awk yes$/m);
  assert.match(result.stdout, new RegExp(`✓ logs +${log}: readable, 50 bytes$`, 'm'));
  assert.match(result.stdout, /– sudo +not asked/);
  assert.ok(!result.stdout.includes('fix:') && !result.stdout.includes('\x1b'), 'no fix and no colour when not on a terminal');
});

test('a host key in no known_hosts file: the handshake fails with the ssh-keyscan command, later steps not reached; running the fix makes the host ready', async () => {
  const { code, steps: found } = await steps('-l', log, 'unknown-key');
  assert.equal(code, 1);
  assert.deepEqual(statuses(found), ['resolve ok', 'transport ok', 'connect ok', 'handshake failed', 'login not reached', 'shell not reached', 'logs not reached', 'sudo not asked']);
  assert.match(found.handshake!.detail, new RegExp(`^host key ssh-ed25519 SHA256:\\S+ for \\[${sshd.addresses[0]!.replaceAll('.', '\\.')}\\]:${sshd.port} is in no known_hosts file`));
  const add = `ssh-keyscan -p ${sshd.port} -t ssh-ed25519 ${sshd.addresses[0]} >> ${emptyKnownHosts}`;
  assert.ok(found.handshake!.fix!.endsWith(`add it: ${add}`), found.handshake!.fix!);
  try {
    execSync(add, { stdio: 'ignore' });
    const fixed = await steps('-l', log, 'unknown-key');
    assert.equal(fixed.code, 0, JSON.stringify(fixed.steps));
    assert.match(fixed.steps.handshake!.detail, new RegExp(`vouched for by ${emptyKnownHosts}:\\d+`));
  } finally {
    writeFileSync(emptyKnownHosts, '');
  }
});

test('a changed host key: refused, naming the line that holds the other key and the ssh-keygen -R command', async () => {
  const { code, steps: found } = await steps('-l', log, 'changed-key');
  assert.equal(code, 1);
  assert.equal(found.handshake!.status, 'failed');
  assert.match(found.handshake!.detail, new RegExp(`^HOST KEY CHANGED for .*, ${otherKnownHosts}:2 holds another key$`));
  assert.match(found.handshake!.fix!, new RegExp(`ssh-keygen -R '\\[${sshd.addresses[0]!.replaceAll('.', '\\.')}\\]:${sshd.port}' -f ${otherKnownHosts}, then ssh-keyscan`));
  assert.equal(found.login!.status, 'not reached');
});

test('a closed port: connect refused, with what to check', async () => {
  const port = await closedPort();
  const { code, steps: found } = await steps('-l', log, `127.0.0.1:${port}`);
  assert.equal(code, 1);
  assert.equal(found.connect!.status, 'failed');
  assert.equal(found.connect!.detail, `connection refused by 127.0.0.1:${port}`);
  assert.match(found.connect!.fix!, /is sshd running there/);
  assert.equal(found.handshake!.status, 'not reached');
});

test('a login the host refuses: the host key was fine, the login step lists what was tried', async () => {
  const { code, steps: found } = await steps('-l', log, 'stranger');
  assert.equal(code, 1);
  assert.equal(found.handshake!.status, 'ok');
  assert.equal(found.login!.status, 'failed');
  assert.match(found.login!.detail, /^nobody@\S+ refused every key \(tried publickey, identity file \S+id_ed25519\)$/);
  assert.match(found.login!.fix!, /authorized_keys/);
});

test('a log that does not exist: the logs step fails naming the path; others on the host are still listed', async () => {
  const missing = path.join(sshd.logDir, 'nope.log');
  const result = await doctor('-l', missing, 'h2');
  assert.equal(result.code, 1);
  assert.match(result.stdout, /^h2: would not be sampled \(logs failed\)$/m);
  assert.match(result.stdout, new RegExp(`✗ logs +${missing} does not exist\\n +fix: check the path .*ls -l ${missing}\\n`));
  assert.match(result.stdout, /✓ shell /);
  assert.match(result.stdout, /– sudo +not asked/);
});

test('through a jump host: connect says via which, and the rest runs on that path', async () => {
  const { code, steps: found } = await steps('-l', log, 'via-jump');
  assert.equal(code, 0, JSON.stringify(found));
  assert.match(found.connect!.detail, new RegExp(`^${sshd.addresses[1]!.replaceAll('.', '\\.')}:${sshd.port} via h1 in \\d+ ms$`));
  assert.match(found.resolve!.detail, /; ProxyJump h1/);
});

test('ProxyCommand: auto picks OpenSSH, which samples the host; with --transport builtin it is refused before connecting anywhere', async () => {
  const auto = await steps('-l', log, 'proxy-command');
  assert.equal(auto.code, 0, JSON.stringify(auto.steps));
  assert.match(auto.steps.transport!.detail, /^OpenSSH .*ProxyCommand ssh /);
  assert.deepEqual([auto.steps.shell!.status, auto.steps.logs!.status], ['ok', 'ok']);
  const builtin = await steps('--transport', 'builtin', '-l', log, 'proxy-command');
  assert.equal(builtin.code, 1);
  assert.equal(builtin.steps.transport!.status, 'failed');
  assert.match(builtin.steps.transport!.detail, /cannot run ProxyCommand ssh /);
  assert.match(builtin.steps.transport!.fix!, /transport auto or openssh/);
  assert.equal(builtin.steps.connect!.status, 'not reached');
});

test('--json: one object, hosts in the order given, steps with name, ok, status, detail and fix', async () => {
  const result = await doctor('--json', '-l', log, 'h1', 'unknown-key');
  assert.equal(result.code, 1);
  const json = JSON.parse(result.stdout);
  assert.deepEqual(Object.keys(json), ['ok', 'hosts']);
  assert.equal(json.ok, false);
  assert.deepEqual(json.hosts.map((host: { host: string; ok: boolean }) => [host.host, host.ok]), [['h1', true], ['unknown-key', false]]);
  for (const host of json.hosts) {
    assert.deepEqual(host.steps.map((step: JsonStep) => step.name), ['resolve', 'transport', 'connect', 'handshake', 'login', 'shell', 'logs', 'sudo']);
    for (const step of host.steps) assert.deepEqual(Object.keys(step), ['name', 'ok', 'status', 'detail', 'fix']);
  }
  assert.deepEqual(json.hosts[0].steps.map((step: JsonStep) => step.ok), [true, true, true, true, true, true, true, null]);
  assert.deepEqual(json.hosts[1].steps.map((step: JsonStep) => step.ok), [true, true, true, false, null, null, null, null]);
});

test('usage errors exit 2, as for the main command', async () => {
  for (const args of [['-l', log], ['--bogus', 'h1'], ['h1']]) {
    const result = await doctor(...args);
    assert.equal(result.code, 2, `${args.join(' ')}: ${result.stdout}${result.stderr}`);
  }
});

test('hosts and logs from the config file, as the main command reads them; --help answers', async () => {
  const file = path.join(sshd.dir, 'doctor.yaml');
  writeFileSync(file, `sshConfig: ${config}\ngroups:\n  web:\n    log: ${JSON.stringify(log)}\n    hosts: ["h[1-2]"]\n`);
  const result = await runCli(['doctor', '--json', '-c', file], { cwd: sshd.dir, env: { HOME: sshd.dir } });
  assert.equal(result.code, 0, result.stdout);
  const json = JSON.parse(result.stdout);
  assert.deepEqual(json.hosts.map((host: { host: string }) => host.host), ['h1', 'h2']);
  assert.ok(json.hosts.every((host: { steps: JsonStep[] }) => host.steps.find((step) => step.name === 'logs')?.detail === `${log}: readable, 50 bytes`));
  const help = await runCli(['doctor', '--help']);
  assert.equal(help.code, 0);
  assert.match(help.stdout, /Usage: pvlook doctor \[options\] \[host\.\.\.\]/);
});

test('a port that accepts TCP and never speaks SSH: connect passes, the handshake fails, and the fix names the likely causes', async () => {
  const { createServer } = await import('node:net');
  const held: import('node:net').Socket[] = [];
  const mute = createServer((socket) => held.push(socket.on('error', () => undefined)));
  await new Promise<void>((resolve) => mute.listen(0, '127.0.0.1', resolve));
  const port = (mute.address() as import('node:net').AddressInfo).port;
  const muteConfig = path.join(sshd.dir, 'doctor_ssh_config.mute');
  writeFileSync(muteConfig, `Host mute\n  HostName 127.0.0.1\n  Port ${port}\n\n${readFileSync(sshd.sshConfig, 'utf8')}`);
  try {
    const result = await runCli(['doctor', '--json', '-F', muteConfig, '--timeout', '2', '-l', log, 'mute'], { cwd: sshd.dir, env: { HOME: sshd.dir } });
    assert.equal(result.code, 1);
    const steps = new Map((JSON.parse(result.stdout) as { hosts: { steps: { name: string; status: string; fix: string | null }[] }[] }).hosts[0]!.steps.map((step) => [step.name, step]));
    assert.equal(steps.get('connect')?.status, 'ok');
    assert.equal(steps.get('handshake')?.status, 'failed');
    assert.match(steps.get('handshake')?.fix ?? '', /accepted the connection but sent no SSH greeting within 2 s: it may not be an sshd .*MaxStartups/);
    assert.doesNotMatch(steps.get('handshake')?.fix ?? '', /firewall/);
  } finally {
    held.forEach((socket) => socket.destroy());
    await new Promise((resolve) => mute.close(resolve));
  }
});
