/**
 * The SSH edge: one persistent connection per host, reused across ticks;
 * jump hosts (ProxyJump, chained) shared by every host behind them; host keys
 * checked on every hop; handshakes capped so a fleet starting up does not trip
 * OpenSSH's MaxStartups on a bastion.
 */
import type { Duplex } from 'node:stream';
import type { NodeSSH } from 'node-ssh';
import pLimit from 'p-limit';
import type { ClientChannel } from 'ssh2';
import { HostError } from '../errors.js';
import { parseHostSpec, type HostSpec } from '../core/host-spec.js';
import { PROBE_COMMAND } from '../core/probe.js';
import type { Transport } from './transport.js';
import { handshake } from './ssh-handshake.js';
import { isOutOfFiles, tooManyOpenFiles } from './classify-error.js';
import type { SettingsResolver, SshSettings } from './ssh-settings.js';

export interface SshTransportOptions {
  resolveSettings: SettingsResolver;
  /** SSH_AUTH_SOCK, if any */
  agentSocket: string | undefined;
  /** record keys of hosts that have none on file (StrictHostKeyChecking=accept-new) */
  acceptNewHostKeys?: boolean;
  /** ms between keepalives on idle connections */
  keepaliveMs?: number;
  /** SSH handshakes in progress at once: OpenSSH's MaxStartups starts dropping at 10, and sshd counts a login as unfinished a little after it has finished */
  maxHandshakes?: number;
}

/** The probe prints a line or two per log; a server sending more than this is broken or hostile. */
const MAX_OUTPUT_BYTES = 1 << 20;

/** Jump hosts within jump hosts: as deep as any sane setup goes. */
const MAX_JUMP_DEPTH = 8;

export class SshTransport implements Transport {
  /** connections being opened or open: targets by host label, jump hosts by "jump:" + chain */
  private readonly connections = new Map<string, Promise<NodeSSH>>();
  /** the open ones, so a dead connection can be told from its replacement */
  private readonly live = new Map<string, NodeSSH>();
  private readonly handshakes: ReturnType<typeof pLimit>;
  private openChannels = 0;
  /** every socket opened, until it closes: a shutdown destroys them, handshakes under way included */
  private readonly sockets = new Set<Duplex>();
  private closed = false;

  constructor(private readonly options: SshTransportOptions) {
    this.handshakes = pLimit(options.maxHandshakes ?? 6);
  }

  async exec(host: HostSpec, script: string, timeoutMs: number): Promise<string> {
    const ssh = await this.connection(host.label, () => this.openTarget(host, timeoutMs));
    let channel: ClientChannel | undefined;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new HostError('timeout', `no answer within ${timeoutMs / 1000}s`)), timeoutMs);
    });
    const onChannel = (opened: ClientChannel) => {
      channel = opened;
      this.openChannels++;
      opened.once('close', () => this.openChannels--);
    };
    let received = 0;
    let flooded = false;
    const onStdout = (chunk: Buffer) => {
      received += chunk.length;
      if (received > MAX_OUTPUT_BYTES && !flooded) {
        flooded = true;
        channel?.close();
      }
    };
    try {
      const result = await Promise.race([ssh.execCommand(PROBE_COMMAND, { stdin: script, onChannel, onStdout }), timeout]);
      if (flooded) throw new HostError('badoutput', `more than ${MAX_OUTPUT_BYTES >> 20} MiB of output: not pvlook's probe answering`);
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
      if (isOutOfFiles(error)) throw tooManyOpenFiles(error);
      throw new HostError('unreachable', `connection failed: ${(error as Error).message}`, { cause: error });
    } finally {
      clearTimeout(timer);
    }
  }

  /** Open connections and channels right now, for soak tests and benchmarks. */
  stats(): { connections: number; channels: number } {
    return { connections: this.live.size, channels: this.openChannels };
  }

  /**
   * Close every connection now. Handshakes still under way are cut short
   * rather than awaited: quitting must not wait for a slow host's timeout.
   */
  async close(): Promise<void> {
    this.closed = true;
    this.handshakes.clearQueue();
    for (const socket of this.sockets) socket.destroy();
    this.sockets.clear();
    for (const ssh of this.live.values()) ssh.dispose();
    // Any connection that still completes is closed as soon as it does.
    for (const pending of this.connections.values()) pending.then((ssh) => ssh.dispose(), () => undefined);
    this.connections.clear();
    this.live.clear();
  }

  /** The open connection under `key`, or a new one from `open`; a failed open is forgotten. */
  private connection(key: string, open: () => Promise<NodeSSH>): Promise<NodeSSH> {
    if (this.closed) return Promise.reject(new HostError('error', 'pvlook is shutting down'));
    let pending = this.connections.get(key);
    if (!pending) {
      pending = open().then((ssh) => {
        this.live.set(key, ssh);
        return ssh;
      });
      this.connections.set(key, pending);
      pending.catch(() => {
        if (this.connections.get(key) === pending) this.connections.delete(key);
      });
    }
    return pending;
  }

  private async openTarget(host: HostSpec, timeoutMs: number): Promise<NodeSSH> {
    const settings = await this.settingsFor(host);
    const sock = settings.proxyJump ? await this.tunnelTo(settings, timeoutMs, 0) : undefined;
    return this.handshake(host.label, settings, timeoutMs, sock);
  }

  /** A stream to the target's SSH port through its chain of jump hosts, each hop one shared connection. */
  private async tunnelTo(target: SshSettings, timeoutMs: number, depth: number): Promise<Duplex> {
    if (depth >= MAX_JUMP_DEPTH) throw new HostError('error', `ProxyJump nests more than ${MAX_JUMP_DEPTH} deep; is there a loop?`);
    let via: NodeSSH | null = null;
    let chain = 'jump:';
    for (const hop of (target.proxyJump ?? '').split(',').map((text) => text.trim()).filter(Boolean)) {
      chain += `${hop}>`;
      const previous: NodeSSH | null = via;
      via = await this.connection(chain, () => this.openJumpHost(chain, hop, previous, timeoutMs, depth));
    }
    if (via === null) throw new HostError('error', `empty ProxyJump for ${target.hostname}`);
    return forward(via, target.hostname, target.port, 'jump host');
  }

  private async openJumpHost(key: string, hop: string, via: NodeSSH | null, timeoutMs: number, depth: number): Promise<NodeSSH> {
    try {
      let spec: HostSpec;
      try {
        spec = parseHostSpec(hop.replace(/^ssh:\/\//, ''));
      } catch (error) {
        throw new HostError('error', `bad ProxyJump host ${JSON.stringify(hop)}`, { cause: error });
      }
      const settings = await this.settingsFor(spec);
      let sock: Duplex | undefined;
      if (via) sock = await forward(via, settings.hostname, settings.port, 'previous jump host');
      else if (settings.proxyJump) sock = await this.tunnelTo(settings, timeoutMs, depth + 1);
      return await this.handshake(key, settings, timeoutMs, sock);
    } catch (error) {
      if (error instanceof HostError) throw new HostError(error.status, `jump host ${hop}: ${error.message}`, { cause: error });
      throw error;
    }
  }

  private async settingsFor(spec: HostSpec): Promise<SshSettings> {
    let settings: SshSettings;
    try {
      settings = await this.options.resolveSettings(spec);
    } catch (error) {
      if (isOutOfFiles(error)) throw tooManyOpenFiles(error);
      throw new HostError('error', (error as Error).message, { cause: error });
    }
    if (settings.proxyCommand !== null) {
      // Connecting directly would bypass whatever the command was for.
      throw new HostError('error', `ProxyCommand is not supported (use ProxyJump); refusing to connect to ${spec.host} directly`);
    }
    return settings;
  }

  private handshake(key: string, settings: SshSettings, timeoutMs: number, sock: Duplex | undefined): Promise<NodeSSH> {
    let opened: NodeSSH | undefined;
    return this.handshakes(() =>
      handshake(settings, {
        agentSocket: this.options.agentSocket,
        acceptNewHostKeys: this.options.acceptNewHostKeys ?? false,
        keepaliveMs: this.options.keepaliveMs ?? 15_000,
        timeoutMs,
        ...(sock ? { sock } : {}),
        onGone: () => opened && this.drop(key, opened),
        onSocket: (socket) => {
          this.sockets.add(socket);
          socket.once('close', () => this.sockets.delete(socket));
        },
      }).then((ssh) => {
        opened = ssh;
        if (this.closed) ssh.dispose();
        return ssh;
      }),
    );
  }

  /** Forget a connection (only if it is still the current one under its key) and close it. */
  private drop(key: string, ssh: NodeSSH): void {
    if (this.live.get(key) === ssh) {
      this.live.delete(key);
      this.connections.delete(key);
    }
    ssh.dispose();
  }
}

/** A direct-tcpip channel through `via` to host:port, as `ssh -W` makes. */
function forward(via: NodeSSH, host: string, port: number, what: string): Promise<Duplex> {
  return new Promise((resolve, reject) => {
    const connection = via.connection;
    if (!connection) return reject(new HostError('unreachable', `${what} connection is closed`));
    connection.forwardOut('127.0.0.1', 0, host, port, (error, stream) => {
      if (error) {
        const status = /refused/i.test(error.message) ? 'refused' : 'unreachable';
        reject(new HostError(status, `${what} cannot reach ${host}:${port}: ${error.message}`, { cause: error }));
      }
      else resolve(stream);
    });
  });
}
