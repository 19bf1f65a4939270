/**
 * One transport per host, chosen once: the built-in client where it can do
 * the job, the system OpenSSH client where the host's settings need it (or
 * where the user asked for one of them). The choice and its reason are kept
 * per host, for the user and for `pvlook doctor`.
 */
import { HostError } from '../errors.js';
import { parseHostSpec, type HostSpec } from '../core/host-spec.js';
import { chooseTransport, namedChoice, type TransportChoice } from '../core/transport-choice.js';
import type { HostTarget } from '../core/host-target.js';
import type { OpenShellOptions, RemoteShell, ShellListeners, Transport } from './transport.js';
import type { SettingsResolver, SshSettings } from './ssh-settings.js';
import { transportFacts } from './transport-facts.js';
import { isOutOfFiles, tooManyOpenFiles } from './out-of-files.js';

export interface AutoTransportOptions {
  builtin: Transport;
  openssh: Transport;
  resolveSettings: SettingsResolver;
  /** SSH_AUTH_SOCK, if any: with an agent the built-in client has a key to offer */
  agentSocket: string | undefined;
}

/** A host's client, and the settings that decided it until the built-in client has used them. */
interface Decision {
  choice: TransportChoice;
  settings: SshSettings | null;
}

export class AutoTransport implements Transport {
  private readonly choices = new Map<string, Promise<Decision>>();

  constructor(private readonly options: AutoTransportOptions) {}

  async openShell(host: HostTarget, listeners: ShellListeners, signal: AbortSignal, options?: OpenShellOptions): Promise<RemoteShell> {
    const decision = await this.decide(host);
    signal.throwIfAborted();
    if (decision.choice.transport === 'openssh') return this.options.openssh.openShell(host, listeners, signal, options);
    const { settings } = decision;
    // Only the first connection after the choice uses its settings (no second ssh -G); a reconnect asks ssh -G again, like the built-in client alone.
    decision.settings = null;
    return this.options.builtin.openShell(host, listeners, signal, settings !== null ? { ...options, settings } : options);
  }

  /** The client a host goes through and why; resolves its settings if that is what decides. */
  async choice(host: HostTarget): Promise<TransportChoice> {
    return (await this.decide(host)).choice;
  }

  async close(): Promise<void> {
    await Promise.all([this.options.builtin.close(), this.options.openssh.close()]);
  }

  private decide(host: HostTarget): Promise<Decision> {
    let decided = this.choices.get(host.label);
    if (!decided) {
      decided = this.choose(host);
      this.choices.set(host.label, decided);
      // A host whose settings could not be read is asked again next time.
      decided.catch(() => this.choices.delete(host.label));
    }
    return decided;
  }

  private async choose(host: HostTarget): Promise<Decision> {
    const mode = host.transport ?? 'auto';
    if (mode !== 'auto') return { choice: namedChoice(mode), settings: null };
    try {
      const settings = await this.options.resolveSettings(host);
      return { choice: await this.chooseFor(settings, 0), settings };
    } catch (error) {
      if (isOutOfFiles(error)) throw tooManyOpenFiles(error);
      if (error instanceof HostError) throw error;
      throw new HostError('error', (error as Error).message, { cause: error });
    }
  }

  /**
   * A host's own needs, then its jump hosts': the built-in client reaches a
   * target through its jump hosts itself, so a bastion that needs OpenSSH
   * (one with a certificate, say) needs it for everything behind it too.
   */
  private async chooseFor(settings: SshSettings, depth: number): Promise<TransportChoice> {
    const own = chooseTransport(await transportFacts(settings, this.options.agentSocket));
    if (own.transport === 'openssh' || settings.proxyJump === null || depth >= MAX_JUMP_DEPTH) return own;
    for (const hop of settings.proxyJump.split(',').map((text) => text.trim()).filter(Boolean)) {
      let spec: HostSpec;
      try {
        spec = parseHostSpec(hop.replace(/^ssh:\/\//, ''));
      } catch {
        // The built-in client reports a bad jump host clearly; nothing to choose here.
        continue;
      }
      const via = await this.chooseFor(await this.options.resolveSettings(spec), depth + 1);
      if (via.transport === 'openssh') return { transport: 'openssh', why: `jump host ${hop}: ${via.why}` };
    }
    return own;
  }
}

/** Jump hosts within jump hosts, as deep as the built-in client follows them. */
const MAX_JUMP_DEPTH = 8;
