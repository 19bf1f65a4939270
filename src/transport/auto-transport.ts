/**
 * One transport per host, chosen once: the built-in client where it can do
 * the job, the system OpenSSH client where the host's settings need it (or
 * where the user asked for one of them). The choice and its reason are kept
 * per host, for the user and for `pvlook doctor`.
 */
import { HostError } from '../errors.js';
import type { HostSpec } from '../core/host-spec.js';
import { chooseTransport, namedChoice, type TransportChoice, type TransportMode } from '../core/transport-choice.js';
import type { RemoteShell, ShellListeners, Transport } from './transport.js';
import type { SettingsResolver, SshSettings } from './ssh-settings.js';
import { transportFacts } from './transport-facts.js';
import { isOutOfFiles, tooManyOpenFiles } from './classify-error.js';

export interface AutoTransportOptions {
  builtin: Transport;
  openssh: Transport;
  /** what each host asked for (absent: auto) */
  modeFor: (host: HostSpec) => TransportMode | undefined;
  resolveSettings: SettingsResolver;
  /** SSH_AUTH_SOCK, if any: with an agent the built-in client has a key to offer */
  agentSocket: string | undefined;
  /**
   * Called with the settings just resolved for a host that goes to the
   * built-in client, around its openShell, so that it need not run `ssh -G`
   * for that host a second time (see settingsHandoff).
   */
  handOff?: <T>(spec: HostSpec, settings: SshSettings, use: () => T) => T;
}

export class AutoTransport implements Transport {
  private readonly choices = new Map<string, Promise<{ choice: TransportChoice; settings: SshSettings | null }>>();

  constructor(private readonly options: AutoTransportOptions) {}

  async openShell(host: HostSpec, listeners: ShellListeners, signal: AbortSignal): Promise<RemoteShell> {
    const { choice, settings } = await this.decide(host);
    signal.throwIfAborted();
    if (choice.transport === 'openssh') return this.options.openssh.openShell(host, listeners, signal);
    const { handOff } = this.options;
    // Only the first connection after the choice uses its settings; a reconnect asks ssh -G again, like the built-in client alone.
    if (settings !== null && handOff) return handOff(host, settings, () => this.options.builtin.openShell(host, listeners, signal));
    return this.options.builtin.openShell(host, listeners, signal);
  }

  /** The client a host goes through and why; resolves its settings if that is what decides. */
  async choice(host: HostSpec): Promise<TransportChoice> {
    return (await this.decide(host)).choice;
  }

  async close(): Promise<void> {
    await Promise.all([this.options.builtin.close(), this.options.openssh.close()]);
  }

  private decide(host: HostSpec): Promise<{ choice: TransportChoice; settings: SshSettings | null }> {
    let decided = this.choices.get(host.label);
    if (!decided) {
      decided = this.choose(host);
      this.choices.set(host.label, decided);
      // A host whose settings could not be read is asked again next time.
      decided.catch(() => this.choices.delete(host.label));
    }
    return decided;
  }

  private async choose(host: HostSpec): Promise<{ choice: TransportChoice; settings: SshSettings | null }> {
    const mode = this.options.modeFor(host) ?? 'auto';
    if (mode !== 'auto') return { choice: namedChoice(mode), settings: null };
    let settings: SshSettings;
    try {
      settings = await this.options.resolveSettings(host);
      return { choice: chooseTransport(await transportFacts(settings, this.options.agentSocket)), settings };
    } catch (error) {
      if (isOutOfFiles(error)) throw tooManyOpenFiles(error);
      if (error instanceof HostError) throw error;
      throw new HostError('error', (error as Error).message, { cause: error });
    }
  }
}
