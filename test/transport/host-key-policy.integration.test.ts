/**
 * One policy through both clients: for each ssh_config setting that decides
 * whether a host may be reached (revoked keys, KnownHostsCommand,
 * UserKnownHostsFile none or with a space, IdentityAgent, IdentitiesOnly),
 * pvlook agrees with what `ssh` itself does against the same real sshd:
 * the built-in client honours it, or refuses the host and says why, and
 * `auto` sends the host to OpenSSH where only OpenSSH can honour it.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startSshd, type Sshd } from '../helpers/sshd.js';
import { makeLog } from '../helpers/fleet.js';
import { runCli } from '../helpers/run-cli.js';
import { until } from '../helpers/until.js';

let sshd: Sshd;
let log: string;
let agent: ChildProcess;
let agentSocket: string;
/** a key sshd does not accept */
let strangerKey: string;

before(async () => {
  sshd = await startSshd({ hostCount: 1 });
  log = makeLog(sshd, 'access.log', 10);
  strangerKey = path.join(sshd.dir, 'stranger_ed25519');
  spawnSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', strangerKey]);
  // An agent holding the key sshd accepts.
  agentSocket = path.join(mkdtempSync(path.join(os.tmpdir(), 'pvlook-agent-')), 'agent.sock');
  agent = spawn('ssh-agent', ['-D', '-a', agentSocket], { stdio: 'ignore' });
  await until(() => existsSync(agentSocket));
  const added = spawnSync('ssh-add', [path.join(sshd.dir, 'id_ed25519')], { env: { ...process.env, SSH_AUTH_SOCK: agentSocket }, encoding: 'utf8' });
  assert.equal(added.status, 0, added.stderr);
});
after(async () => {
  agent?.kill();
  await sshd?.stop();
});

let configs = 0;

/** An ssh_config for h1 alone, with `lines` first (ssh takes the first value it finds). */
function config(lines: string[], { identity = path.join(sshd.dir, 'id_ed25519'), knownHosts = sshd.knownHosts } = {}): string {
  const file = path.join(sshd.dir, `ssh_config.policy${++configs}`);
  writeFileSync(
    file,
    ['Host h1', ...lines.map((line) => `  ${line}`), `  HostName ${sshd.addresses[0]}`, `  Port ${sshd.port}`, `  User ${sshd.user}`, `  IdentityFile ${identity}`, `  UserKnownHostsFile ${knownHosts}`, '  GlobalKnownHostsFile /dev/null'].join('\n') + '\n',
  );
  return file;
}

interface Outcome {
  ok: boolean;
  status: string;
  error: string | null;
}

/** What `ssh` does with this config: logged in and ran a command, or not. */
function ssh(configFile: string, { cwd = sshd.dir, agent: withAgent = false, acceptNew = false } = {}): boolean {
  const options = ['-F', configFile, '-o', 'BatchMode=yes', '-o', 'ConnectTimeout=10', ...(acceptNew ? ['-o', 'StrictHostKeyChecking=accept-new'] : [])];
  const env = { ...process.env, HOME: sshd.dir, SSH_AUTH_SOCK: withAgent ? agentSocket : '' };
  return spawnSync('ssh', [...options, 'h1', 'true'], { cwd, env, timeout: 30_000 }).status === 0;
}

/** What a pvlook snapshot says of h1 with this config and client. */
async function pvlook(configFile: string, transport: string, { cwd = sshd.dir, agent: withAgent = false, acceptNew = false } = {}): Promise<Outcome> {
  const env: Record<string, string> = { HOME: sshd.dir, ...(withAgent ? { SSH_AUTH_SOCK: agentSocket } : {}) };
  const result = await runCli(['-F', configFile, '-l', log, '--json', '--timeout', '15', '--transport', transport, ...(acceptNew ? ['--accept-new'] : []), 'h1'], { cwd, env });
  const row = (JSON.parse(result.stdout) as { hosts: { status: string; error: string | null }[] }).hosts[0]!;
  return { ok: row.status === 'ok', status: row.status, error: row.error };
}

test('RevokedHostKeys: ssh refuses the revoked key, and so does pvlook through either client', async () => {
  const krl = path.join(sshd.dir, 'revoked.krl');
  writeFileSync(path.join(sshd.dir, 'host.pub'), `${sshd.hostKeyPublic}\n`);
  const made = spawnSync('ssh-keygen', ['-q', '-k', '-f', krl, path.join(sshd.dir, 'host.pub')], { encoding: 'utf8' });
  assert.equal(made.status, 0, made.stderr);
  const file = config([`RevokedHostKeys ${krl}`]);
  assert.equal(ssh(file), false);
  const builtin = await pvlook(file, 'builtin');
  assert.equal(builtin.status, 'hostkey');
  assert.match(builtin.error ?? '', /RevokedHostKeys .*revoked\.krl is read by OpenSSH only: use transport openssh \(or auto\)/);
  for (const transport of ['auto', 'openssh']) assert.equal((await pvlook(file, transport)).status, 'hostkey', transport);
  // Doctor says what the run does.
  const doctor = await runCli(['doctor', '-F', file, '-l', log, '--transport', 'builtin', 'h1'], { cwd: sshd.dir, env: { HOME: sshd.dir } });
  assert.equal(doctor.code, 1, doctor.stdout);
  assert.match(doctor.stdout, /transport .*RevokedHostKeys .* is read by OpenSSH only/);
});

test('KnownHostsCommand: the built-in client refuses rather than skip it; auto agrees with ssh', async () => {
  const file = config(['KnownHostsCommand /bin/true']);
  const builtin = await pvlook(file, 'builtin');
  assert.equal(builtin.status, 'hostkey');
  assert.match(builtin.error ?? '', /KnownHostsCommand \/bin\/true is read by OpenSSH only/);
  assert.equal((await pvlook(file, 'auto')).ok, ssh(file));
});

test('UserKnownHostsFile none is no file, not ./none; with --accept-new nothing is written there', async () => {
  const folder = mkdtempSync(path.join(os.tmpdir(), 'pvlook-none-'));
  // A file named "none" in the folder pvlook runs from, holding the right key.
  copyFileSync(sshd.knownHosts, path.join(folder, 'none'));
  const file = config([], { knownHosts: 'none' });
  assert.equal(ssh(file, { cwd: folder }), false, 'ssh: Host key verification failed');
  for (const transport of ['builtin', 'auto', 'openssh']) {
    const outcome = await pvlook(file, transport, { cwd: folder });
    assert.equal(outcome.status, 'hostkey', `${transport}: ${JSON.stringify(outcome)}`);
  }
  const empty = mkdtempSync(path.join(os.tmpdir(), 'pvlook-none-'));
  const accepted = await pvlook(file, 'builtin', { cwd: empty, acceptNew: true });
  assert.equal(existsSync(path.join(empty, 'none')), false, 'a file named none was created');
  assert.equal(accepted.ok, ssh(file, { cwd: empty, acceptNew: true }), `builtin --accept-new agrees with ssh: ${JSON.stringify(accepted)}`);
});

test('UserKnownHostsFile with a space in its path: ssh reads it; auto sends the host to OpenSSH; builtin refuses and says why', async () => {
  const spaced = path.join(sshd.dir, 'my keys');
  mkdirSync(spaced, { recursive: true });
  writeFileSync(path.join(spaced, 'known_hosts'), readFileSync(sshd.knownHosts));
  const file = config([`UserKnownHostsFile "${path.join(spaced, 'known_hosts')}"`]);
  assert.equal(ssh(file), true);
  assert.equal((await pvlook(file, 'auto')).ok, true);
  const builtin = await pvlook(file, 'builtin');
  assert.equal(builtin.status, 'hostkey');
  assert.match(builtin.error ?? '', /UserKnownHostsFile .*my keys\/known_hosts \(a path with a space, or a relative one\) is read by OpenSSH only/);
});

test('IdentityAgent none: the agent is not asked, by ssh or by pvlook', async () => {
  const file = config(['IdentityAgent none'], { identity: strangerKey });
  assert.equal(ssh(file, { agent: true }), false);
  const builtin = await pvlook(file, 'builtin', { agent: true });
  assert.equal(builtin.status, 'auth', JSON.stringify(builtin));
  // The agent alone, with the same stranger key file, gets in: the refusal above is IdentityAgent's doing.
  assert.equal((await pvlook(config([], { identity: strangerKey }), 'builtin', { agent: true })).ok, true);
});

test('IdentityAgent naming a socket: used even without SSH_AUTH_SOCK', async () => {
  const file = config([`IdentityAgent ${agentSocket}`], { identity: strangerKey });
  assert.equal(ssh(file), true);
  assert.equal((await pvlook(file, 'builtin')).ok, true);
});

test('IdentitiesOnly yes: the agent offers only keys an IdentityFile names', async () => {
  const fenced = config(['IdentitiesOnly yes'], { identity: strangerKey });
  assert.equal(ssh(fenced, { agent: true }), false);
  assert.equal((await pvlook(fenced, 'builtin', { agent: true })).status, 'auth');
  // An IdentityFile whose private half only the agent holds (just the .pub on disk) is named: ssh and pvlook use the agent's key.
  const named = path.join(sshd.dir, 'agent_only');
  copyFileSync(path.join(sshd.dir, 'id_ed25519.pub'), `${named}.pub`);
  const allowed = config(['IdentitiesOnly yes'], { identity: named });
  assert.equal(ssh(allowed, { agent: true }), true);
  assert.equal((await pvlook(allowed, 'builtin', { agent: true })).ok, true);
});

test('--accept-new says which key it recorded, for which host, in which file, through either client', async () => {
  for (const transport of ['builtin', 'openssh']) {
    const file = path.join(mkdtempSync(path.join(os.tmpdir(), 'pvlook-accept-')), 'known_hosts');
    writeFileSync(file, '');
    const result = await runCli(['-F', config([], { knownHosts: file }), '-l', log, '--json', '--timeout', '15', '--transport', transport, '--accept-new', 'h1'], { cwd: sshd.dir, env: { HOME: sshd.dir } });
    assert.equal(result.code, 0, result.stderr);
    assert.match(readFileSync(file, 'utf8'), /ssh-ed25519 /);
    const said = transport === 'builtin' ? new RegExp(`--accept-new recorded the ssh-ed25519 key SHA256:\\S+ of h1 \\(as \\[${sshd.addresses[0]!.replaceAll('.', '\\.')}\\]:${sshd.port}\\) in ${file}`) : /--accept-new recorded the ED25519 key of h1 \(as .+\) in the host's first UserKnownHostsFile/;
    assert.match(result.stderr, said, `${transport}: ${result.stderr}`);
  }
});
