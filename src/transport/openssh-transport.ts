/**
 * The system OpenSSH client as a transport: one `ssh host /bin/sh -s` process
 * per host, for as long as its shell lives. OpenSSH does what the built-in
 * client cannot (ProxyCommand, certificates, GSSAPI, hardware keys) with the
 * user's own config, agent and host-key policy; it costs a process and its
 * memory per host (BENCHMARKS.md), so `auto` picks it only where needed.
 *
 * The shell counts as started only when it has echoed a random line back:
 * until then a failure is ssh's own (exit 255 and a line on stderr: host key,
 * login, network) and is reported as such; after it, an exit is the shell
 * ending, as with the built-in client.
 *
 * Given the hosts' settings, logins are limited per destination as the
 * built-in client limits handshakes (the target's own sshd, also behind a
 * bastion), and hosts behind a bastion share one login to it
 * (openssh-jump-master.ts).
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import os from 'node:os';
import { HostError } from '../errors.js';
import { endGroup, endGroups } from './process-group.js';
import type { HostSpec } from '../core/host-spec.js';
import { SHELL_COMMAND } from '../core/shell-command.js';
import type { OpenShellOptions, RemoteShell, ShellListeners, Transport } from './transport.js';
import { exitText, saysConnectionLost, sshFailure, SSH_FAILED } from './openssh-failure.js';
import { isOutOfFiles, tooManyOpenFiles } from './out-of-files.js';
import pLimit from 'p-limit';
import { JumpMasters } from './openssh-jump-master.js';
import { whenFree } from './queue-slot.js';
import type { SettingsResolver } from './ssh-settings.js';
import type { QueueHold } from './transport.js';
import type { RecordedKey } from './host-key-check.js';

export interface OpenSshTransportOptions {
  /** like `ssh -F`; null uses ~/.ssh/config and the system config */
  configFile: string | null;
  /** record keys of hosts that have none on file (pvlook's --accept-new, passed on as StrictHostKeyChecking=accept-new) */
  acceptNewHostKeys?: boolean;
  /** the ssh program (default: `ssh` on PATH) */
  program?: string;
  /** ssh processes that fit under the open-files limit (each holds three pipes here); one more is refused at once */
  maxProcesses?: number | null;
  /**
   * The hosts' resolved settings (ssh -G): with them, logins are limited per
   * destination and hosts behind a bastion share one login to it. Without,
   * every host's ssh is on its own.
   */
  resolveSettings?: SettingsResolver;
  /** logins in progress at once to one sshd (default 8, as for the built-in client) */
  loginsPerDestination?: number;
  /** logins in progress at once, fleet-wide (default: DEFAULT_LOGINS_PER_CORE per core) */
  maxLogins?: number;
  /** told of every key ssh says --accept-new recorded */
  onKeyRecorded?: (key: RecordedKey) => void;
}

/** As the built-in client's DEFAULT_HANDSHAKES_PER_DESTINATION: under OpenSSH's MaxStartups of 10. */
const DEFAULT_LOGINS_PER_DESTINATION = 8;
/**
 * Each ssh login costs the client about 140 ms of CPU (BENCHMARKS.md) and
 * otherwise waits on round trips: about two dozen at once per core keep the
 * cores busy without making every login wait on them. All at once, 150
 * logins through a bastion 300 ms away took longer than the deadline each.
 */
const DEFAULT_LOGINS_PER_CORE = 24;

/** stderr kept per process before the shell answers: enough for ssh's few lines, bounded against a chatty host. */
const STDERR_KEPT = 4096;
/** stdout before the ready line (a login banner, rc-file output): only its tail can hold the line. */
const EARLY_OUTPUT_KEPT = 4096;

/**
 * The arguments for one host's ssh: no prompt ever, no terminal, the host
 * after `--`, then the constant command. Everything else comes from the
 * user's config, except what must not happen once per host: no escape
 * character (data, not keystrokes, goes down stdin), no forwarding (an
 * agent or X11 offered to every server, a LocalForward bound a thousand
 * times), no LocalCommand run per host, and no RemoteCommand in place of
 * pvlook's own.
 */
export function sshArgs(host: HostSpec, options: Pick<OpenSshTransportOptions, 'configFile' | 'acceptNewHostKeys'>, command = SHELL_COMMAND, proxyCommand: string | null = null): string[] {
  const args = baseSshArgs(options);
  if (proxyCommand !== null) args.push('-o', `ProxyCommand=${proxyCommand}`);
  if (host.port !== null) args.push('-p', String(host.port));
  if (host.user !== null) args.push('-l', host.user);
  args.push('--', host.host, command);
  return args;
}

/** What every ssh process of pvlook's gets, whatever it connects to: see sshArgs. */
function baseSshArgs(options: Pick<OpenSshTransportOptions, 'configFile' | 'acceptNewHostKeys'>): string[] {
  const args = ['-T', '-e', 'none', '-o', 'BatchMode=yes', '-o', 'ClearAllForwardings=yes', '-o', 'ForwardAgent=no', '-o', 'ForwardX11=no', '-o', 'PermitLocalCommand=no', '-o', 'RemoteCommand=none'];
  if (options.configFile !== null) args.push('-F', options.configFile);
  if (options.acceptNewHostKeys) args.push('-o', 'StrictHostKeyChecking=accept-new');
  return args;
}

export class OpenSshTransport implements Transport {
  private readonly children = new Set<ChildProcessWithoutNullStreams>();
  private readonly perDestination = new Map<string, ReturnType<typeof pLimit>>();
  private readonly logins: ReturnType<typeof pLimit>;
  private readonly masters: JumpMasters;
  private closed = false;

  constructor(private readonly options: OpenSshTransportOptions) {
    this.masters = new JumpMasters({ program: options.program ?? 'ssh', baseArgs: baseSshArgs(options) });
    this.logins = pLimit(options.maxLogins ?? DEFAULT_LOGINS_PER_CORE * os.availableParallelism());
  }

  async openShell(host: HostSpec, listeners: ShellListeners, signal: AbortSignal, options?: OpenShellOptions): Promise<RemoteShell> {
    if (this.closed) throw new HostError('error', 'pvlook is shutting down');
    const budget = this.options.maxProcesses;
    if (budget !== undefined && budget !== null && this.children.size >= budget) throw tooManyOpenFiles(null);
    signal.throwIfAborted();
    const settings = this.options.resolveSettings ? await this.settingsFor(host) : null;
    signal.throwIfAborted();
    // Through the shared login to the bastion, unless a ProxyCommand of the user's says how to get there.
    const viaMaster = settings?.proxyJump && settings.proxyCommand === null ? await untilAborted(this.masters.proxyCommandFor(settings.proxyJump), signal) : null;
    const destination = settings ? `${settings.proxyJump ?? ''}>${settings.hostname}:${settings.port}` : null;
    const spawnShell = () => {
      let child: ChildProcessWithoutNullStreams;
      try {
        // Pipes for all three: ssh never reads the terminal, and BatchMode means it never asks.
        // Its own process group: ending it ends a ProxyCommand too, which would otherwise hold ssh's pipes open.
        child = spawn(this.options.program ?? 'ssh', sshArgs(host, this.options, options?.command, viaMaster), { stdio: ['pipe', 'pipe', 'pipe'], detached: true, windowsHide: true });
      } catch (error) {
        throw spawnFailure(error);
      }
      this.children.add(child);
      const forget = () => this.children.delete(child);
      child.once('close', forget);
      // A process that never started (no ssh program) may never report 'close'.
      child.once('error', forget);
      return started(child, host, listeners, signal, this.options.onKeyRecorded);
    };
    if (destination === null || settings === null) return spawnShell();
    return this.inLoginSlot(destination, `${settings.hostname}:${settings.port}`, options?.hold, spawnShell);
  }

  /** Run a login once its destination has a free slot; the caller's deadline is held while it waits. */
  private inLoginSlot<T>(destination: string, where: string, hold: QueueHold | undefined, login: () => Promise<T>): Promise<T> {
    let limit = this.perDestination.get(destination);
    if (!limit) {
      limit = pLimit(this.options.loginsPerDestination ?? DEFAULT_LOGINS_PER_DESTINATION);
      this.perDestination.set(destination, limit);
    }
    return whenFree(limit, hold, (ahead) => `queued behind ${ahead} logins to ${where}`, () => whenFree(this.logins, hold, (ahead) => `queued behind ${ahead} ssh logins fleet-wide`, login));
  }

  private async settingsFor(host: HostSpec) {
    try {
      return await this.options.resolveSettings!(host);
    } catch (error) {
      if (isOutOfFiles(error)) throw tooManyOpenFiles(error);
      throw error instanceof HostError ? error : new HostError('error', (error as Error).message, { cause: error });
    }
  }

  /** ssh processes running right now, for tests and benchmarks. */
  stats(): { processes: number; pids: number[] } {
    return { processes: this.children.size, pids: [...this.children].map((child) => child.pid ?? 0).filter(Boolean) };
  }

  /** Bastion logins shared right now, for tests. */
  jumpMasters(): number {
    return this.masters.running();
  }

  /** End every ssh process, and wait until they are gone; then the bastion masters. */
  async close(): Promise<void> {
    this.closed = true;
    await endGroups(this.children);
    await this.masters.close();
  }
}

/** Resolve once the remote shell has echoed the ready line; reject with ssh's own failure before that. */
function started(child: ChildProcessWithoutNullStreams, host: HostSpec, listeners: ShellListeners, signal: AbortSignal, onKeyRecorded?: (key: RecordedKey) => void): Promise<RemoteShell> {
  const ready = `@pvlook-ready-${randomBytes(8).toString('hex')}\n`;
  let early = '';
  let stderr = '';
  let isReady = false;
  const where = host.label;
  const shell: RemoteShell = {
    write: (text) => {
      child.stdin.write(text);
    },
    end: () => {
      child.stdin.end();
    },
    abandon: () => {
      endGroup(child);
    },
  };
  // A shell that is gone makes stdin writes fail with EPIPE; its exit says why.
  child.stdin.on('error', () => undefined);
  child.stderr.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString('utf8')).slice(-STDERR_KEPT);
    // StrictHostKeyChecking=accept-new says what it added; ssh writes it to the first UserKnownHostsFile.
    for (const added of chunk.toString('utf8').matchAll(/Permanently added '([^']+)' \(([^)]+)\) to the list of known hosts/g)) {
      onKeyRecorded?.({ host: host.label, name: added[1]!, keyType: added[2]!, fingerprint: null, file: null });
    }
    if (isReady) listeners.stderr(chunk);
  });

  return new Promise<RemoteShell>((resolve, reject) => {
    const onAbort = () => {
      endGroup(child);
      reject(new HostError('timeout', `no shell on ${where} in time`));
    };
    signal.addEventListener('abort', onAbort, { once: true });
    child.stdout.on('data', (chunk: Buffer) => {
      if (isReady) return listeners.stdout(chunk);
      early = (early + chunk.toString('latin1')).slice(-EARLY_OUTPUT_KEPT);
      const at = early.indexOf(ready);
      if (at === -1) return;
      isReady = true;
      signal.removeEventListener('abort', onAbort);
      resolve(shell);
      const rest = early.slice(at + ready.length);
      early = '';
      if (rest !== '') listeners.stdout(Buffer.from(rest, 'latin1'));
    });
    child.once('error', (error) => {
      signal.removeEventListener('abort', onAbort);
      reject(spawnFailure(error));
    });
    child.once('close', (code: number | null, signalName: NodeJS.Signals | null) => {
      signal.removeEventListener('abort', onAbort);
      if (!isReady) {
        if (code === SSH_FAILED) return reject(sshFailure(stderr, where));
        // Not ssh's failure but the command's (sudo refusing, a forced command): its words go to the listener, which judges them.
        if (stderr !== '') listeners.stderr(Buffer.from(stderr));
        const said = lastLine(stderr);
        reject(new HostError('badoutput', `the remote shell ended (${exitText(code, signalName)}) before it started${said ? `: ${said}` : ''}`));
        return;
      }
      // After the shell started, 255 with ssh's words is the connection going, not the shell's status.
      if (code === SSH_FAILED && saysConnectionLost(stderr)) listeners.closed(new HostError('unreachable', 'connection lost'));
      else listeners.closed(new HostError('badoutput', `the remote shell ended (${exitText(code, signalName)})`));
    });
    // The echo is the first thing the shell reads: it answers once login, rc files and the shell are through.
    child.stdin.write(`echo '${ready.trim()}'\n`);
  });
}

/** The last non-empty line of what ssh or the command said (escaped where it is shown). */
function lastLine(text: string): string {
  return (text.split('\n').map((line) => line.trim()).filter(Boolean).at(-1) ?? '').slice(0, 200);
}

/** Settle with `work`, or reject when `signal` aborts (without stopping `work`: a bastion master is shared). */
function untilAborted<T>(work: Promise<T>, signal: AbortSignal): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason instanceof HostError ? signal.reason : new HostError('timeout', 'no answer in time'));
    if (signal.aborted) return onAbort();
    signal.addEventListener('abort', onAbort, { once: true });
    work.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}

function spawnFailure(error: unknown): HostError {
  if (isOutOfFiles(error)) return tooManyOpenFiles(error);
  if ((error as NodeJS.ErrnoException).code === 'ENOENT') return new HostError('error', 'transport openssh needs the OpenSSH client: no ssh program found on PATH');
  return new HostError('error', `cannot start ssh: ${(error as Error).message}`, { cause: error });
}
