/**
 * The prober pvlook uses: the wire format over a transport's shells. In
 * `shell` mode each host keeps one long-lived shell, so the login shell and
 * its rc files run once per connection and a sample is one small request and
 * one framed answer; in `exec` mode every sample starts a new shell.
 */
import { HostError } from '../errors.js';
import type { HostTarget } from '../core/host-target.js';
import type { QueueHold, Transport } from '../transport/transport.js';
import { HostShell } from './host-shell.js';
import type { Prober, Sampled } from './prober.js';
import type { SessionMode } from '../core/session-mode.js';
import { decodeAnswer, encodeRequest, newTag, ProbeOutputError } from './wire.js';
import { SHELL_COMMAND, SUDO_SHELL_COMMAND } from '../core/shell-command.js';
import { type ProbeRequest } from '../core/probe-types.js';

export class ShellProber implements Prober {
  private readonly shells = new Map<string, HostShell>();

  constructor(
    private readonly transport: Transport,
    /** how a host runs its shell: as its target says, unless a caller decides */
    private readonly mode: (host: HostTarget) => SessionMode = (host) => host.session ?? 'shell',
    /** whether a host's shell runs through sudo */
    private readonly sudo: (host: HostTarget) => boolean = (host) => host.sudo === true,
  ) {}

  async sample(host: HostTarget, requests: readonly ProbeRequest[], signal: AbortSignal, hold?: QueueHold): Promise<Sampled> {
    const tag = newTag();
    const line = encodeRequest(tag, requests);
    const once = this.mode(host) === 'exec';
    let shell = once ? undefined : this.shells.get(host.label);
    if (shell === undefined || !shell.alive) {
      shell = new HostShell(this.transport, host, this.sudo(host) ? SUDO_SHELL_COMMAND : SHELL_COMMAND);
      if (!once) this.shells.set(host.label, shell);
    }
    try {
      // Connect first, so that the time the request goes out is known: the reading follows it, not the connect.
      await shell.open(signal, hold);
      const sentAt = Date.now();
      const text = await shell.ask(tag, line, signal, { last: once });
      return { ...decodeAnswer(text, tag, requests.length), sentAt };
    } catch (error) {
      const failure = asHostError(error, shell);
      shell.abandon(failure);
      throw failure;
    }
  }

  async close(): Promise<void> {
    for (const shell of this.shells.values()) shell.abandon(new HostError('error', 'pvlook is shutting down'));
    this.shells.clear();
    await this.transport.close();
  }
}

function asHostError(error: unknown, shell: HostShell): HostError {
  if (error instanceof HostError) return error;
  if (error instanceof ProbeOutputError) {
    const said = shell.lastError();
    return new HostError('badoutput', `unexpected output from the host: ${error.message}${said ? ` (stderr: ${said})` : ''}`, { cause: error });
  }
  return new HostError('error', error instanceof Error ? error.message : String(error), { cause: error });
}
