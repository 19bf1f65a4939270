/**
 * The SSH edge: one persistent connection per host, reused across samples,
 * with pvlook's shell running as a channel on it; jump hosts (ProxyJump,
 * chained) shared by every host behind them; host keys checked on every hop;
 * handshakes limited per destination (OpenSSH's MaxStartups is per server:
 * the target's own sshd, also behind a bastion, whose connection is one
 * shared handshake) and, more loosely, fleet-wide (what one client CPU can do
 * at once). Time spent waiting for a slot is pvlook's, not the host's: the
 * caller's deadline is held meanwhile (OpenShellOptions.hold).
 */
import type { Duplex } from 'node:stream';
import type { NodeSSH } from 'node-ssh';
import pLimit from 'p-limit';
import type { ClientChannel } from 'ssh2';
import { HostError } from '../errors.js';
import { parseHostSpec, type HostSpec } from '../core/host-spec.js';
import { SHELL_COMMAND } from '../core/shell-command.js';
import type { ConnectObserver, OpenShellOptions, QueueHold, RemoteShell, ShellListeners, Transport } from './transport.js';
import type { RecordedKey } from './host-key-check.js';
import { handshake, type HandshakeObserver } from './ssh-handshake.js';
import { whenFree } from './queue-slot.js';
import { isOutOfFiles, tooManyOpenFiles } from './out-of-files.js';
import type { SettingsResolver, SshSettings } from './ssh-settings.js';

export interface SshTransportOptions {
  resolveSettings: SettingsResolver;
  /** SSH_AUTH_SOCK, if any */
  agentSocket: string | undefined;
  /** record keys of hosts that have none on file (StrictHostKeyChecking=accept-new) */
  acceptNewHostKeys?: boolean;
  /** told of every key --accept-new records, so the user can be told */
  onKeyRecorded?: (key: RecordedKey) => void;
  /** ms between keepalives on idle connections */
  keepaliveMs?: number;
  /**
   * Handshakes in progress at once to one destination: an sshd's address and
   * port (as the jump host reaches it, for a host behind one). OpenSSH's
   * MaxStartups starts dropping at 10, and sshd counts a login as unfinished
   * a little after it has finished.
   */
  handshakesPerDestination?: number;
  /** Handshakes in progress at once, fleet-wide: bounds the client's CPU and memory at start-up. */
  maxHandshakes?: number;
  /** ms a handshake may take before ssh2 gives up on its own (the sample's own deadline usually comes first) */
  readyTimeoutMs?: number;
  /**
   * Connections that fit under the open-files limit. One more is refused at
   * once with what to do: running out of descriptors would break every other
   * host's connections, settings lookups and reconnects too.
   */
  maxConnections?: number | null;
}

export const DEFAULT_HANDSHAKES_PER_DESTINATION = 8;
/**
 * A handshake in flight mostly waits on the network (about ten round trips);
 * its CPU is a few ms. So the fleet-wide bound is high, for memory and
 * sockets, and the per-destination bound is what protects servers
 * (measured in BENCHMARKS.md: a bound of 64 made a fleet 300 ms away connect
 * in waves).
 */
export const DEFAULT_MAX_HANDSHAKES = 512;

/** A limit that never waits, for what must not queue. */
const NO_LIMIT = pLimit(Number.POSITIVE_INFINITY);

/** Jump hosts within jump hosts: as deep as any sane setup goes. */
const MAX_JUMP_DEPTH = 8;

interface Connection {
  ssh: NodeSSH;
  /** shells open on it, told when the connection goes */
  shells: Set<ShellListeners>;
}

export class SshTransport implements Transport {
  /** connections being opened or open: targets by host label, jump hosts by "jump:" + chain */
  private readonly connections = new Map<string, Promise<Connection>>();
  /** the open ones, so a dead connection can be told from its replacement */
  private readonly live = new Map<string, Connection>();
  private readonly perDestination = new Map<string, ReturnType<typeof pLimit>>();
  private readonly handshakes: ReturnType<typeof pLimit>;
  private openChannels = 0;
  /** every socket opened, until it closes: a shutdown destroys them, handshakes under way included */
  private readonly sockets = new Set<Duplex>();
  private closed = false;

  constructor(private readonly options: SshTransportOptions) {
    this.handshakes = pLimit(options.maxHandshakes ?? DEFAULT_MAX_HANDSHAKES);
  }

  async openShell(host: HostSpec, listeners: ShellListeners, signal: AbortSignal, options?: OpenShellOptions): Promise<RemoteShell> {
    const key = host.label;
    const connection = await this.connection(key, () => this.openTarget(host, signal, options?.hold, options?.observer, options?.settings));
    let channel: ClientChannel;
    try {
      channel = await execShell(connection.ssh, options?.command ?? SHELL_COMMAND);
    } catch (error) {
      // A connection that cannot open a channel is of no further use.
      this.drop(key, connection);
      if (isOutOfFiles(error)) throw tooManyOpenFiles(error);
      throw new HostError('unreachable', `cannot start a shell: ${(error as Error).message}`, { cause: error });
    }
    this.openChannels++;
    let exit = '';
    let gone = false;
    const watcher: ShellListeners = {
      ...listeners,
      closed: (reason) => {
        if (gone) return;
        gone = true;
        connection.shells.delete(watcher);
        listeners.closed(reason);
      },
    };
    connection.shells.add(watcher);
    channel.on('data', (chunk: Buffer) => listeners.stdout(chunk));
    channel.stderr.on('data', (chunk: Buffer) => listeners.stderr(chunk));
    channel.on('exit', (code: number | null, signalName?: string) => {
      exit = code !== null && code !== undefined ? `exit status ${code}` : `killed by ${signalName ?? 'a signal'}`;
    });
    channel.on('error', () => undefined);
    channel.once('close', () => {
      this.openChannels--;
      // A shell that ends on its own did not run pvlook's functions as asked (a forced command, a broken sh).
      watcher.closed(new HostError('badoutput', `the remote shell ended${exit ? ` (${exit})` : ''}`));
    });
    return {
      write: (text) => {
        channel.write(text);
      },
      end: () => {
        channel.end();
      },
      abandon: () => {
        channel.close();
        // After a timeout or a broken answer nothing about this connection can be trusted.
        this.drop(key, connection);
      },
    };
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
    for (const limit of this.perDestination.values()) limit.clearQueue();
    for (const socket of this.sockets) socket.destroy();
    this.sockets.clear();
    for (const connection of this.live.values()) connection.ssh.dispose();
    // Any connection that still completes is closed as soon as it does.
    for (const pending of this.connections.values()) pending.then((connection) => connection.ssh.dispose(), () => undefined);
    this.connections.clear();
    this.live.clear();
  }

  /** The open connection under `key`, or a new one from `open`; a failed open is forgotten. */
  private connection(key: string, open: () => Promise<NodeSSH>): Promise<Connection> {
    if (this.closed) return Promise.reject(new HostError('error', 'pvlook is shutting down'));
    let pending = this.connections.get(key);
    if (!pending) {
      pending = open().then((ssh) => {
        const connection = { ssh, shells: new Set<ShellListeners>() };
        this.live.set(key, connection);
        return connection;
      });
      this.connections.set(key, pending);
      pending.catch(() => {
        if (this.connections.get(key) === pending) this.connections.delete(key);
      });
    }
    return pending;
  }

  /** Settings, jump hosts and the handshake: all within the sample's deadline (`signal`). */
  private async openTarget(host: HostSpec, signal: AbortSignal, hold: QueueHold | undefined, observer: ConnectObserver | undefined, resolved: SshSettings | undefined): Promise<NodeSSH> {
    const budget = this.options.maxConnections;
    // Connections being opened count too: a fleet starts all at once, before any socket exists.
    if (budget !== undefined && budget !== null && this.connections.size >= budget) throw tooManyOpenFiles(null);
    const settings = await this.settingsFor(host, resolved);
    observer?.resolved?.(settings, null);
    signal.throwIfAborted();
    const watch = observer ? { observer, hop: null } : undefined;
    if (settings.proxyJump) {
      const begun = performance.now();
      const { chain, sock } = await this.tunnelTo(settings, 0, observer);
      observer?.connected?.(Math.round(performance.now() - begun), null);
      signal.throwIfAborted();
      // The sshd this handshake talks to is the target's own, reached through the chain.
      return this.handshake(host.label, `${chain}${settings.hostname}:${settings.port}`, settings, sock, signal, hold, watch);
    }
    return this.handshake(host.label, `${settings.hostname}:${settings.port}`, settings, undefined, signal, hold, watch);
  }

  /** A stream to the target's SSH port through its chain of jump hosts, each hop one shared connection. */
  private async tunnelTo(target: SshSettings, depth: number, observer?: ConnectObserver): Promise<{ chain: string; sock: Duplex }> {
    if (depth >= MAX_JUMP_DEPTH) throw new HostError('error', `ProxyJump nests more than ${MAX_JUMP_DEPTH} deep; is there a loop?`);
    let via: Connection | null = null;
    let chain = 'jump:';
    for (const hop of (target.proxyJump ?? '').split(',').map((text) => text.trim()).filter(Boolean)) {
      chain += `${hop}>`;
      const previous: Connection | null = via;
      const key = chain;
      via = await this.connection(key, () => this.openJumpHost(key, hop, previous, depth, observer));
    }
    if (via === null) throw new HostError('error', `empty ProxyJump for ${target.hostname}`);
    return { chain, sock: await forward(via.ssh, target.hostname, target.port, 'jump host') };
  }

  private async openJumpHost(key: string, hop: string, via: Connection | null, depth: number, observer?: ConnectObserver): Promise<NodeSSH> {
    try {
      let spec: HostSpec;
      try {
        spec = parseHostSpec(hop.replace(/^ssh:\/\//, ''));
      } catch (error) {
        throw new HostError('error', `bad ProxyJump host ${JSON.stringify(hop)}`, { cause: error });
      }
      const settings = await this.settingsFor(spec);
      observer?.resolved?.(settings, hop);
      let sock: Duplex | undefined;
      let destination = `${settings.hostname}:${settings.port}`;
      if (via) {
        const begun = performance.now();
        sock = await forward(via.ssh, settings.hostname, settings.port, 'previous jump host');
        observer?.connected?.(Math.round(performance.now() - begun), hop);
        destination = `${key}${destination}`;
      } else if (settings.proxyJump) {
        let chain: string;
        ({ chain, sock } = await this.tunnelTo(settings, depth + 1, observer));
        destination = `${chain}${destination}`;
      }
      // A jump host is shared by every host behind it: no one sample's deadline may cut it short.
      return await this.handshake(key, destination, settings, sock, new AbortController().signal, undefined, observer ? { observer, hop } : undefined, false);
    } catch (error) {
      if (error instanceof HostError) throw new HostError(error.status, `jump host ${hop}: ${error.message}`, { cause: error });
      throw error;
    }
  }

  /** The host's settings (resolved now, unless the caller brought them), checked for what this client cannot honour. */
  private async settingsFor(spec: HostSpec, resolved?: SshSettings): Promise<SshSettings> {
    let settings: SshSettings;
    try {
      settings = resolved ?? (await this.options.resolveSettings(spec));
    } catch (error) {
      if (isOutOfFiles(error)) throw tooManyOpenFiles(error);
      throw new HostError('error', (error as Error).message, { cause: error });
    }
    if (settings.proxyCommand !== null) {
      // Connecting directly would bypass whatever the command was for.
      throw new HostError('error', `ProxyCommand is not supported by the built-in client: use transport openssh (or auto), or ProxyJump; refusing to connect to ${spec.host} directly`);
    }
    const unread = settings.hostKeySourcesOnlyOpenSshReads?.[0];
    if (unread !== undefined) {
      // Checking the host key with less than the user's own policy is never an option.
      throw new HostError('hostkey', `${unread} is read by OpenSSH only: use transport openssh (or auto); the built-in client refuses ${spec.host} rather than check its key with less`);
    }
    return settings;
  }

  /**
   * One handshake, queued behind others to the same destination and under
   * the fleet-wide limit; `hold` tells the caller while it waits for a slot.
   */
  private handshake(
    key: string,
    destination: string,
    settings: SshSettings,
    sock: Duplex | undefined,
    signal: AbortSignal,
    hold?: QueueHold,
    watch?: { observer: ConnectObserver; hop: string | null },
    /** false for a jump host: every host behind it waits on it, with no one deadline to hold, so it does not queue fleet-wide */
    fleetWide = true,
  ): Promise<NodeSSH> {
    let limit = this.perDestination.get(destination);
    if (!limit) {
      limit = pLimit(this.options.handshakesPerDestination ?? DEFAULT_HANDSHAKES_PER_DESTINATION);
      this.perDestination.set(destination, limit);
    }
    let opened: Connection | undefined;
    const where = `${settings.hostname}:${settings.port}`;
    return whenFree(limit, hold, (ahead) => `queued behind ${ahead} handshakes to ${where}`, () =>
      whenFree(fleetWide ? this.handshakes : NO_LIMIT, hold, (ahead) => `queued behind ${ahead} handshakes fleet-wide`, async () => {
        signal.throwIfAborted();
        const ssh = await handshake(settings, {
          agentSocket: this.options.agentSocket,
          acceptNewHostKeys: this.options.acceptNewHostKeys ?? false,
          ...(this.options.onKeyRecorded ? { onKeyRecorded: (recorded: Omit<RecordedKey, 'host'>) => this.options.onKeyRecorded?.({ ...recorded, host: key.replace(/^jump:/, '').replace(/>$/, '') }) } : {}),
          keepaliveMs: this.options.keepaliveMs ?? 15_000,
          timeoutMs: this.options.readyTimeoutMs ?? 20_000,
          signal,
          ...(sock ? { sock } : {}),
          ...(watch ? { observer: handshakeObserver(watch.observer, watch.hop) } : {}),
          onGone: () => {
            opened = this.live.get(key);
            if (opened?.ssh === ssh) this.drop(key, opened);
          },
          onSocket: (socket) => {
            this.sockets.add(socket);
            socket.once('close', () => this.sockets.delete(socket));
          },
        });
        if (this.closed) ssh.dispose();
        return ssh;
      }),
    );
  }

  /** Forget a connection (only if it is still the current one under its key), close it, and tell its shells. */
  private drop(key: string, connection: Connection): void {
    if (this.live.get(key) === connection) {
      this.live.delete(key);
      this.connections.delete(key);
    }
    connection.ssh.dispose();
    for (const shell of [...connection.shells]) shell.closed(new HostError('unreachable', 'connection lost'));
    connection.shells.clear();
  }
}

/** One hop's handshake, told to the connect observer under the hop's name. */
function handshakeObserver(observer: ConnectObserver, hop: string | null): HandshakeObserver {
  return {
    connected: (ms) => observer.connected?.(ms, hop),
    hostKeyCheck: (check) => observer.hostKeyCheck?.(check, hop),
    authStarted: (method) => observer.authStarted?.(method, hop),
    ready: (ms) => observer.loggedIn?.(ms, hop),
  };
}

/** `/bin/sh -s` (or its sudo form) as a channel on the connection. */
function execShell(ssh: NodeSSH, command: string): Promise<ClientChannel> {
  return new Promise((resolve, reject) => {
    const client = ssh.connection;
    if (!client) return reject(new Error('connection is closed'));
    client.exec(command, (error, channel) => (error ? reject(error) : resolve(channel)));
  });
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
      } else resolve(stream);
    });
  });
}
