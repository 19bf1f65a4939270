/**
 * One login to a bastion for every OpenSSH host behind it. Left to itself,
 * each `ssh` with a ProxyJump logs in to the bastion on its own: 150 hosts
 * are 150 logins there at once, which OpenSSH's default MaxStartups
 * (10:30:100) starts refusing at 10. pvlook keeps one master connection per
 * jump chain (OpenSSH's ControlMaster, on a socket in a private folder that
 * pvlook owns and removes), and points each host's ssh at it with a
 * ProxyCommand that asks the master for a stream (`ssh -S socket -W %h:%p`).
 * The master is pvlook's own process; the user's ControlMaster and
 * ControlPath settings for their own ssh sessions are left as they are.
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { HostError } from '../errors.js';
import { endGroup, endGroups } from './process-group.js';
import { parseHostSpec } from '../core/host-spec.js';
import { sshFailure, SSH_FAILED } from './openssh-failure.js';

export interface JumpMasterOptions {
  program: string;
  /** options every ssh of pvlook's gets (no prompt, no forwarding, -F, accept-new) */
  baseArgs: readonly string[];
  /** ms the master's own login may take */
  readyTimeoutMs?: number;
}

interface Master {
  child: ChildProcessWithoutNullStreams;
  /** the ProxyCommand that reaches a host through this master */
  proxyCommand: string;
}

/** How often to look for the master's socket while it logs in. */
const POLL_MS = 25;

export class JumpMasters {
  private folder: string | null = null;
  private readonly masters = new Map<string, Promise<Master>>();
  /** every master process started, logging in or logged in: close() ends them all */
  private readonly children = new Set<ChildProcessWithoutNullStreams>();
  private count = 0;
  private closed = false;

  constructor(private readonly options: JumpMasterOptions) {}

  /** The ProxyCommand for a host whose ProxyJump is `jump` (a comma-separated chain): through one shared master. */
  async proxyCommandFor(jump: string): Promise<string> {
    let master = this.masters.get(jump);
    if (!master) {
      master = this.start(jump);
      this.masters.set(jump, master);
      // A master that failed or ended is started again for the next host that needs it.
      const forget = () => {
        if (this.masters.get(jump) === master) this.masters.delete(jump);
      };
      master.then((started) => started.child.once('close', forget), forget);
    }
    return (await master).proxyCommand;
  }

  /** The masters running now, for tests. */
  running(): number {
    return this.masters.size;
  }

  async close(): Promise<void> {
    this.closed = true;
    // Those still logging in too: quitting must not wait for a bastion's login timeout.
    await endGroups(this.children);
    await Promise.allSettled([...this.masters.values()]);
    this.masters.clear();
    if (this.folder !== null) rmSync(this.folder, { recursive: true, force: true });
    this.folder = null;
  }

  private privateFolder(): string {
    // mkdtemp makes it 0700: no one else can reach the masters' sockets.
    this.folder ??= mkdtempSync(path.join(os.tmpdir(), 'pvlook-ssh-'));
    return this.folder;
  }

  private start(jump: string): Promise<Master> {
    if (this.closed) return Promise.reject(new HostError('error', 'pvlook is shutting down'));
    const hops = jump.split(',').map((hop) => hop.trim()).filter(Boolean);
    const last = hops.at(-1);
    if (last === undefined) return Promise.reject(new HostError('error', 'empty ProxyJump'));
    const socket = path.join(this.privateFolder(), `m${++this.count}`);
    const target = hopArgs(last);
    const args = [
      ...this.options.baseArgs,
      '-N',
      '-o', 'ControlMaster=yes',
      '-o', `ControlPath=${socket}`,
      '-o', 'ControlPersist=no',
      // The chain before the last hop, as ssh's own ProxyJump would go; a single bastion keeps its own settings.
      ...(hops.length > 1 ? ['-o', `ProxyJump=${hops.slice(0, -1).join(',')}`] : []),
      ...target.options,
      '--', target.host,
    ];
    // `ssh -N` never reads its input, so it would outlive a pvlook that is killed: a small sh runs it and
    // ends it when its input (a pipe from pvlook) closes, whoever closes it; sh exits with ssh's status.
    // (An asynchronous command's input is /dev/null unless redirected: the watcher reads pvlook's pipe through fd 3.)
    const supervised = ['-c', 'exec 3<&0; "$0" "$@" </dev/null & p=$!; { cat <&3 >/dev/null; kill "$p" 2>/dev/null; } & wait "$p"', this.options.program, ...args];
    const child = spawn('/bin/sh', supervised, { stdio: ['pipe', 'pipe', 'pipe'], detached: true, windowsHide: true });
    this.children.add(child);
    child.once('close', () => this.children.delete(child));
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString('utf8')).slice(-4096)));
    child.stdout.resume();
    child.stdin.on('error', () => undefined);
    const quote = (text: string) => `'${text.replaceAll("'", "'\\''").replaceAll('%', '%%')}'`;
    // OpenSSH itself puts `exec` in front of a ProxyCommand. ProxyCommand=false: with no master behind the
    // socket this ssh fails, rather than log in to the last hop by itself around the chain. The brackets
    // let an IPv6 %h through, as OpenSSH's own ProxyJump does.
    const proxyCommand = [
      quote(this.options.program), ...this.options.baseArgs.map(quote),
      '-o', 'ControlMaster=no', '-o', 'ProxyCommand=false', '-S', quote(socket), '-W', "'[%h]:%p'", '--', quote(target.host),
    ].join(' ');
    return new Promise<Master>((resolve, reject) => {
      const deadline = Date.now() + (this.options.readyTimeoutMs ?? 30_000);
      let settled = false;
      const poll = setInterval(() => {
        if (existsSync(socket)) done(() => resolve({ child, proxyCommand }));
        else if (Date.now() > deadline) {
          endGroup(child);
          done(() => reject(new HostError('timeout', `jump host ${last}: no login in time`)));
        }
      }, POLL_MS);
      const done = (settle: () => void) => {
        if (settled) return;
        settled = true;
        clearInterval(poll);
        settle();
      };
      child.once('error', (error) => done(() => reject(new HostError('error', `cannot start ssh: ${error.message}`, { cause: error }))));
      child.once('close', (code) => {
        const failure = code === SSH_FAILED ? sshFailure(stderr, last) : new HostError('unreachable', `connection lost`);
        done(() => reject(new HostError(failure.status, `jump host ${last}: ${failure.message}`, { cause: failure })));
      });
    });
  }
}

/** A ProxyJump hop (`[user@]host[:port]`, or an ssh:// URI) as ssh's destination and options. */
function hopArgs(hop: string): { host: string; options: string[] } {
  const spec = parseHostSpec(hop.replace(/^ssh:\/\//, ''));
  return { host: spec.host, options: [...(spec.port !== null ? ['-p', String(spec.port)] : []), ...(spec.user !== null ? ['-l', spec.user] : [])] };
}
