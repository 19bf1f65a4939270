/**
 * The SSH edge: one persistent node-ssh connection per host, reused across
 * ticks, with host keys checked against known_hosts before anything is sent.
 */
import { NodeSSH } from 'node-ssh';
import type { ClientChannel } from 'ssh2';
import { HostError } from '../errors.js';
import type { HostSpec } from '../core/host-spec.js';
import { PROBE_COMMAND } from '../core/probe.js';
import type { Transport } from './transport.js';
import { buildHostKeyCheck } from './host-key-check.js';
import { classifyConnectError } from './classify-error.js';
import { authMethodsFor } from './ssh-auth.js';
import type { SettingsResolver, SshSettings } from './ssh-settings.js';

export interface SshTransportOptions {
  resolveSettings: SettingsResolver;
  /** SSH_AUTH_SOCK, if any */
  agentSocket: string | undefined;
  /** seconds between keepalives on idle connections */
  keepaliveMs?: number;
}

export class SshTransport implements Transport {
  /** connections being opened or open, by host label */
  private readonly connections = new Map<string, Promise<NodeSSH>>();
  /** the open ones, so a dead connection can be told from its replacement */
  private readonly live = new Map<string, NodeSSH>();

  constructor(private readonly options: SshTransportOptions) {}

  async exec(host: HostSpec, script: string, timeoutMs: number): Promise<string> {
    const ssh = await this.connection(host, timeoutMs);
    let channel: ClientChannel | undefined;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new HostError('timeout', `no answer within ${timeoutMs / 1000}s`)), timeoutMs);
    });
    try {
      const result = await Promise.race([ssh.execCommand(PROBE_COMMAND, { stdin: script, onChannel: (c) => (channel = c) }), timeout]);
      // node-ssh resolves with code null when the connection dropped mid-command.
      if (result.code === null) throw new HostError('unreachable', 'connection lost during the command');
      if (result.code !== 0) {
        const reason = result.stderr.split('\n').find((line) => line.trim() !== '') ?? `exit status ${result.code}`;
        throw new HostError('error', `remote command failed: ${reason.slice(0, 200)}`);
      }
      return result.stdout;
    } catch (error) {
      // After a timeout or a lost connection nothing about this connection can be trusted.
      channel?.close();
      this.drop(host.label, ssh);
      if (error instanceof HostError) throw error;
      throw new HostError('unreachable', `connection failed: ${(error as Error).message}`, { cause: error });
    } finally {
      clearTimeout(timer);
    }
  }

  async close(): Promise<void> {
    const pending = [...this.connections.values()];
    this.connections.clear();
    this.live.clear();
    await Promise.all(pending.map((p) => p.then((ssh) => ssh.dispose(), () => undefined)));
  }

  private connection(host: HostSpec, timeoutMs: number): Promise<NodeSSH> {
    let pending = this.connections.get(host.label);
    if (!pending) {
      pending = this.connect(host, timeoutMs);
      this.connections.set(host.label, pending);
      pending.catch(() => this.connections.delete(host.label));
    }
    return pending;
  }

  private async connect(host: HostSpec, timeoutMs: number): Promise<NodeSSH> {
    let settings: SshSettings;
    try {
      settings = await this.options.resolveSettings(host);
    } catch (error) {
      throw new HostError('error', (error as Error).message, { cause: error });
    }
    if (settings.proxyJump !== null) {
      // Connecting directly would bypass the bastion the user configured.
      throw new HostError('error', `ProxyJump (${settings.proxyJump}) is not supported yet; refusing to connect directly`);
    }
    const where = `${settings.hostname}:${settings.port}`;
    const keys = await buildHostKeyCheck(settings);
    const auth = await authMethodsFor(settings.user, settings.identityFiles, this.options.agentSocket);
    if (auth.length === 0) {
      throw new HostError('auth', `no key to log in to ${where} with: start ssh-agent (SSH_AUTH_SOCK) or set an IdentityFile without a passphrase`);
    }
    const ssh = new NodeSSH();
    try {
      await ssh.connect({
        host: settings.hostname,
        port: settings.port,
        username: settings.user,
        authHandler: auth,
        hostVerifier: keys.verify,
        ...(keys.algorithms.length > 0 ? { algorithms: { serverHostKey: keys.algorithms as never } } : {}),
        readyTimeout: timeoutMs,
        keepaliveInterval: this.options.keepaliveMs ?? 15_000,
        keepaliveCountMax: 3,
      });
    } catch (error) {
      ssh.dispose();
      throw classifyConnectError(error, where, settings.user, keys);
    }
    // node-ssh removes its own error listener after connecting; without ours a
    // keepalive timeout on an idle connection would crash the process.
    const connection = ssh.connection;
    connection?.on('error', () => this.drop(host.label, ssh));
    connection?.on('close', () => this.drop(host.label, ssh));
    this.live.set(host.label, ssh);
    return ssh;
  }

  /** Forget a connection (only if it is still the current one for the host) and close it. */
  private drop(label: string, ssh: NodeSSH): void {
    if (this.live.get(label) === ssh) {
      this.live.delete(label);
      this.connections.delete(label);
    }
    ssh.dispose();
  }
}
