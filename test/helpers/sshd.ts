/**
 * A real OpenSSH sshd for integration tests, started per test file on
 * loopback: several 127.0.0.x addresses (each a distinct host with its own
 * known_hosts line), throwaway host and user keys, and an ssh_config that
 * pvlook reads with -F. As root, logins go to a throwaway user whose shell is
 * /bin/sh (root's rc files are slow and chatty); otherwise to the current user.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { chmod, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { connect, createServer, type AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';

export const TEST_USER = 'pvlook-test';
const SSHD = ['/usr/sbin/sshd', '/usr/bin/sshd'].find((file) => existsSync(file));

export interface Sshd {
  dir: string;
  port: number;
  /** host aliases h1..hN, each on its own loopback address */
  hosts: string[];
  addresses: string[];
  user: string;
  /** pass to pvlook with -F */
  sshConfig: string;
  knownHosts: string;
  hostKeyPublic: string;
  /** a folder the login user can read, for test logs */
  logDir: string;
  /** what sshd printed on stderr so far */
  log(): string;
  /** freeze or thaw (or kill) sshd and every connection it serves */
  signal(name: 'SIGSTOP' | 'SIGCONT' | 'SIGKILL'): void;
  /** kill sshd and its connections, then start it again on the same addresses, port and host key */
  restart(): Promise<void>;
  stop(): Promise<void>;
  readonly process: ChildProcess;
}

export function sshdAvailable(): boolean {
  return SSHD !== undefined;
}

export interface SshdOptions {
  hostCount?: number;
  firstAddress?: number;
  /** more sshd_config lines, e.g. a Match block; {DIR} stands for the fixture's folder */
  extraConfig?: string[];
  /** more users allowed to log in (as root they are created if need be, like the test user: see ensureUser) */
  extraUsers?: string[];
  /** called with the fixture's folder and addresses once its keys exist, before sshd starts (e.g. to sign the host key) */
  prepare?: (dir: string, addresses: readonly string[]) => void | Promise<void>;
}

export async function startSshd(options: SshdOptions = {}): Promise<Sshd> {
  if (!SSHD) throw new Error('sshd not found: install openssh-server (the CI script does)');
  const hostCount = options.hostCount ?? 3;
  const first = options.firstAddress ?? 2 + Math.floor(Math.random() * 200);
  const addresses = Array.from({ length: hostCount }, (_, i) => `127.0.0.${first + i}`);
  const dir = await mkdtemp(path.join(os.tmpdir(), 'pvlook-sshd-'));
  await chmod(dir, 0o755);
  const logDir = path.join(dir, 'logs');
  mkdirSync(logDir, { mode: 0o777 });
  await chmod(logDir, 0o777);

  const user = process.getuid?.() === 0 ? ensureUser(TEST_USER) : os.userInfo().username;
  for (const extra of options.extraUsers ?? []) ensureUser(extra);
  keygen(path.join(dir, 'host_ed25519'));
  keygen(path.join(dir, 'id_ed25519'));
  const hostKeyPublic = (await readFile(path.join(dir, 'host_ed25519.pub'), 'utf8')).trim().split(' ').slice(0, 2).join(' ');
  await writeFile(path.join(dir, 'authorized_keys'), await readFile(path.join(dir, 'id_ed25519.pub')), { mode: 0o644 });

  const port = await freePort(addresses);
  const config = path.join(dir, 'sshd_config');
  await writeFile(
    config,
    [
      ...addresses.map((address) => `ListenAddress ${address}:${port}`),
      `HostKey ${path.join(dir, 'host_ed25519')}`,
      `PidFile ${path.join(dir, 'sshd.pid')}`,
      `AuthorizedKeysFile ${path.join(dir, 'authorized_keys')}`,
      'StrictModes no',
      'UsePAM no',
      'PasswordAuthentication no',
      'KbdInteractiveAuthentication no',
      'PubkeyAuthentication yes',
      'PermitRootLogin prohibit-password',
      'MaxStartups 200',
      'LogLevel VERBOSE',
      `AllowUsers ${[user, ...(options.extraUsers ?? [])].join(' ')}`,
      // Match blocks may name the fixture's addresses as ADDR1, ADDR2, ...
      ...(options.extraConfig ?? []).map((line) => line.replace(/ADDR(\d+)/g, (_, n: string) => addresses[Number(n) - 1] ?? '').replaceAll('{DIR}', dir)),
    ].join('\n') + '\n',
  );
  if (process.getuid?.() === 0) mkdirSync('/run/sshd', { recursive: true });
  await options.prepare?.(dir, addresses);

  const knownHosts = path.join(dir, 'known_hosts');
  await writeFile(knownHosts, addresses.map((address) => `[${address}]:${port} ${hostKeyPublic}`).join('\n') + '\n');
  const hosts = addresses.map((_, i) => `h${i + 1}`);
  const sshConfig = path.join(dir, 'ssh_config');
  await writeFile(
    sshConfig,
    [
      ...hosts.flatMap((host, i) => [`Host ${host}`, `  HostName ${addresses[i]}`]),
      'Host *',
      `  User ${user}`,
      `  Port ${port}`,
      `  IdentityFile ${path.join(dir, 'id_ed25519')}`,
      `  UserKnownHostsFile ${knownHosts}`,
      '  GlobalKnownHostsFile /dev/null',
    ].join('\n') + '\n',
  );

  let stderr = '';
  const launch = async () => {
    const started = spawn(SSHD, ['-D', '-e', '-f', config], { stdio: ['ignore', 'ignore', 'pipe'] });
    started.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    await waitForPort(addresses[0] as string, port, started, () => stderr);
    return started;
  };
  let child = await launch();
  // sshd starts a new session for every connection, so a process-group signal
  // would miss them: signal the listener and all its descendants instead.
  const signalGroup = (name: NodeJS.Signals) => {
    for (const pid of [child.pid as number, ...descendants(child.pid as number)]) {
      try {
        process.kill(pid, name);
      } catch {
        // already gone
      }
    }
  };
  const killAll = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      signalGroup('SIGCONT');
      signalGroup('SIGKILL');
      await exited;
    } else {
      signalGroup('SIGKILL');
    }
  };

  return {
    dir,
    port,
    hosts,
    addresses,
    user,
    sshConfig,
    knownHosts,
    hostKeyPublic,
    logDir,
    log: () => stderr,
    get process() {
      return child;
    },
    signal: (name) => signalGroup(name),
    restart: async () => {
      await killAll();
      child = await launch();
    },
    stop: async () => {
      await killAll();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** Every process below `root`, from /proc. */
function descendants(root: number): number[] {
  const parents = new Map<number, number>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      // The command name may contain spaces; the parent pid follows its closing parenthesis.
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      parents.set(Number(entry), ppid);
    } catch {
      // exited meanwhile
    }
  }
  const found: number[] = [];
  let frontier = [root];
  while (frontier.length > 0) {
    const next = [...parents].filter(([, ppid]) => frontier.includes(ppid)).map(([pid]) => pid);
    found.push(...next);
    frontier = next;
  }
  return found;
}

function keygen(file: string): void {
  execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', 'pvlook-test', '-f', file]);
}

/** A throwaway login user with /bin/sh as its shell (needs root). */
export function ensureUser(name: string): string {
  try {
    execFileSync('id', [name], { stdio: 'ignore' });
  } catch {
    execFileSync('useradd', ['-m', '-s', '/bin/sh', name]);
  }
  // An unlocked account with no password: key logins only (and sudo can never be given a password).
  execFileSync('usermod', ['-p', '*', name]);
  return name;
}

/** Remove a user made by ensureUser, with its home (after sshd, and so its sessions, has stopped). */
export function removeUser(name: string): void {
  try {
    execFileSync('userdel', ['-f', '-r', name], { stdio: 'ignore' });
  } catch (error) {
    // userdel also fails over a missing mail spool: only a user still there is a failure.
    const gone = (() => {
      try {
        execFileSync('id', [name], { stdio: 'ignore' });
        return false;
      } catch {
        return true;
      }
    })();
    if (!gone) throw error;
  }
}

/** A port free on every address (one sshd listens on all of them). */
async function freePort(addresses: readonly string[]): Promise<number> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const port = 20_000 + Math.floor(Math.random() * 40_000);
    const free = await Promise.all(addresses.map((address) => canListen(address, port)));
    if (free.every(Boolean)) return port;
  }
  throw new Error('no free port found');
}

function canListen(address: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, address, () => server.close(() => resolve(true)));
  });
}

async function waitForPort(address: string, port: number, child: ChildProcess, stderr: () => string): Promise<void> {
  for (let attempt = 0; attempt < 200; attempt++) {
    if (child.exitCode !== null) throw new Error(`sshd exited (${child.exitCode}): ${stderr()}`);
    if (await canConnect(address, port)) return;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error(`sshd did not start listening: ${stderr()}`);
}

function canConnect(address: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: address, port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

/** A port on loopback that nothing listens on. */
export async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}
