/**
 * A transport whose "host" is a shell on this machine: `/bin/sh -s` (or any
 * other command, to play a broken or hostile host) started in a folder.
 * pvlook's shell prober runs over it unchanged, so the shell functions, the
 * wire format and the session handling are tested without SSH in between.
 */
import { spawn } from 'node:child_process';
import { HostError } from '../../src/errors.js';
import type { HostSpec } from '../../src/core/host-spec.js';
import { ShellProber } from '../../src/probe/shell-prober.js';
import type { SessionMode } from '../../src/probe/prober.js';
import type { RemoteShell, ShellListeners, Transport } from '../../src/transport/transport.js';
import { decodeAnswer, encodeRequest, newTag, type ProbeRequest, type ProbeResult } from '../../src/probe/wire.js';
import { SHELL_PRELUDE } from '../../src/probe/shell-prelude.js';
import { execFileSync } from 'node:child_process';

export class LocalShellTransport implements Transport {
  /** shells started so far */
  opened = 0;

  constructor(
    private readonly cwd: string,
    private readonly command: readonly string[] = ['/bin/sh', '-s'],
  ) {}

  async openShell(_host: HostSpec, listeners: ShellListeners, signal: AbortSignal): Promise<RemoteShell> {
    signal.throwIfAborted();
    this.opened++;
    const child = spawn(this.command[0]!, this.command.slice(1), { cwd: this.cwd, stdio: ['pipe', 'pipe', 'pipe'] });
    child.stdout.on('data', (chunk: Buffer) => listeners.stdout(chunk));
    child.stderr.on('data', (chunk: Buffer) => listeners.stderr(chunk));
    child.stdin.on('error', () => undefined);
    child.once('close', (code, signalName) => listeners.closed(new HostError('badoutput', `the remote shell ended (${code !== null ? `exit status ${code}` : `killed by ${signalName}`})`)));
    return {
      write: (text) => void child.stdin.write(text),
      end: () => child.stdin.end(),
      abandon: () => void child.kill('SIGKILL'),
    };
  }

  async close(): Promise<void> {}
}

/** pvlook's prober over local shells in `dir`. */
export function localProber(dir: string, session: SessionMode = 'shell', command?: readonly string[]): { prober: ShellProber; transport: LocalShellTransport } {
  const transport = new LocalShellTransport(dir, command);
  return { prober: new ShellProber(transport, () => session), transport };
}

/** One request through a fresh local `/bin/sh -s`, synchronously: the exec-mode path, for simple tests. */
export function askOnce(dir: string, requests: readonly ProbeRequest[]): ProbeResult {
  const tag = newTag();
  const out = execFileSync('/bin/sh', ['-s'], { cwd: dir, input: SHELL_PRELUDE + encodeRequest(tag, requests) }).toString('latin1');
  return decodeAnswer(out, tag, requests.length);
}
