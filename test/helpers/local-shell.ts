/**
 * A transport whose "host" is a shell on this machine: `/bin/sh -s` (or any
 * other command, to play a broken or hostile host) started in a folder.
 * pvlook's shell prober runs over it unchanged, so the shell functions, the
 * wire format and the session handling are tested without SSH in between.
 *
 * A host's userland is a "flavour": this machine's /bin/sh (dash) with GNU
 * coreutils, or BusyBox's ash with only BusyBox applets on PATH, the way a
 * router, a container or an embedded server has them.
 */
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { HostError } from '../../src/errors.js';
import type { HostSpec } from '../../src/core/host-spec.js';
import { ShellProber } from '../../src/probe/shell-prober.js';
import type { SessionMode } from '../../src/core/session-mode.js';
import type { OpenShellOptions, RemoteShell, ShellListeners, Transport } from '../../src/transport/transport.js';
import { decodeAnswer, encodeRequest, newTag } from '../../src/probe/wire.js';
import { SHELL_COMMAND } from '../../src/core/shell-command.js';
import { type ProbeRequest, type ProbeResult } from '../../src/core/probe-types.js';
import { SHELL_PRELUDE } from '../../src/probe/shell-prelude.js';

export interface ShellFlavour {
  name: string;
  /** the shell, reading the functions and requests on stdin */
  command: readonly string[];
  env: NodeJS.ProcessEnv;
  /** whether its stat tells a file's birth time (so a file recreated on a reused inode is still a new file) */
  birthTime: boolean;
}

/** This machine's /bin/sh with the tools on its PATH (dash and GNU coreutils here). */
export const HOST_SHELL: ShellFlavour = { name: 'dash + GNU', command: ['/bin/sh', '-s'], env: process.env, birthTime: true };

let busybox: ShellFlavour | undefined;

/**
 * BusyBox's own sh, with a PATH holding nothing but BusyBox applets: every
 * stat, tail, wc, awk, od, tr and date the functions run is BusyBox's (Debian's
 * static build runs its own applets before PATH anyway; the PATH makes sure
 * of it with any build). Needs busybox installed (Debian: busybox-static,
 * installed by .ci/run).
 */
export function busyboxShell(): ShellFlavour {
  if (busybox) return busybox;
  const binary = whichOrThrow('busybox', 'these tests need busybox: apt-get install busybox-static');
  const bin = mkdtempSync(path.join(os.tmpdir(), 'pvlook-busybox-'));
  for (const applet of execFileSync(binary, ['--list']).toString().split('\n').filter(Boolean)) symlinkSync(binary, path.join(bin, applet));
  busybox = { name: 'BusyBox', command: [binary, 'sh', '-s'], env: { ...process.env, PATH: bin }, birthTime: false };
  return busybox;
}

/** Every program the shell functions may run. */
const TOOLS = ['stat', 'tail', 'wc', 'awk', 'od', 'tr', 'date'];

/**
 * This machine's /bin/sh with a PATH of only the tools the functions use,
 * less `without`, with sh scripts standing in for the tools named in
 * `scripts`: a host missing a tool, or with a broken one.
 */
export function hostShellWith({ without = [], scripts = {} }: { without?: readonly string[]; scripts?: Record<string, string> }): ShellFlavour {
  const bin = mkdtempSync(path.join(os.tmpdir(), 'pvlook-tools-'));
  for (const tool of TOOLS) {
    if (tool in scripts) writeFileSync(path.join(bin, tool), `#!/bin/sh\n${scripts[tool]}\n`, { mode: 0o755 });
    else if (!without.includes(tool)) symlinkSync(whichOrThrow(tool, `no ${tool} on this machine`), path.join(bin, tool));
  }
  return { name: `/bin/sh without ${without.join(', ')}`, command: ['/bin/sh', '-s'], env: { ...process.env, PATH: bin }, birthTime: true };
}

function whichOrThrow(name: string, message: string): string {
  try {
    return execFileSync('/bin/sh', ['-c', `command -v ${name}`]).toString().trim();
  } catch (error) {
    throw new Error(message, { cause: error });
  }
}

export class LocalShellTransport implements Transport {
  /** shells started so far */
  opened = 0;
  /** the remote command each shell was asked for (SHELL_COMMAND, or the sudo one) */
  readonly commands: string[] = [];

  constructor(
    private readonly cwd: string,
    private readonly command: readonly string[] = HOST_SHELL.command,
    private readonly env: NodeJS.ProcessEnv = process.env,
  ) {}

  async openShell(_host: HostSpec, listeners: ShellListeners, signal: AbortSignal, options?: OpenShellOptions): Promise<RemoteShell> {
    signal.throwIfAborted();
    this.opened++;
    this.commands.push(options?.command ?? SHELL_COMMAND);
    // Its own session, as sshd gives every shell: the launcher ends its whole process group.
    const child = spawn(this.command[0]!, this.command.slice(1), { cwd: this.cwd, env: this.env, stdio: ['pipe', 'pipe', 'pipe'], detached: true });
    child.stdout.on('data', (chunk: Buffer) => listeners.stdout(chunk));
    child.stderr.on('data', (chunk: Buffer) => listeners.stderr(chunk));
    child.stdin.on('error', () => undefined);
    child.once('close', (code, signalName) => listeners.closed(new HostError('badoutput', `the remote shell ended (${code !== null ? `exit status ${code}` : `killed by ${signalName}`})`)));
    return {
      write: (text) => void child.stdin.write(text),
      end: () => child.stdin.end(),
      // What closing an SSH channel does: the shell's input ends (and with it, through the launcher, its process group).
      abandon: () => {
        child.stdin.destroy();
      },
    };
  }

  async close(): Promise<void> {}
}

/** pvlook's prober over local shells in `dir`. */
export function localProber(
  dir: string,
  session: SessionMode = 'shell',
  command?: readonly string[],
  flavour: ShellFlavour = HOST_SHELL,
): { prober: ShellProber; transport: LocalShellTransport } {
  const transport = new LocalShellTransport(dir, command ?? flavour.command, flavour.env);
  return { prober: new ShellProber(transport, () => session), transport };
}

/** One request through a fresh local shell, synchronously: the exec-mode path, for simple tests. */
export function askOnce(dir: string, requests: readonly ProbeRequest[], flavour: ShellFlavour = HOST_SHELL): ProbeResult {
  const tag = newTag();
  const out = execFileSync(flavour.command[0]!, flavour.command.slice(1), { cwd: dir, env: flavour.env, input: SHELL_PRELUDE + encodeRequest(tag, requests) }).toString('latin1');
  return decodeAnswer(out, tag, requests.length);
}
