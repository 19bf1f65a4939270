/**
 * Open one SSH connection (one hop) with node-ssh: host key checked against
 * known_hosts, agent then key files, keepalives on, and our own listeners on
 * the underlying connection so that a later error can never go unhandled.
 */
import { connect, type Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { NodeSSH } from 'node-ssh';
import type { AuthHandlerMiddleware } from 'ssh2';
import { HostError } from '../errors.js';
import { buildHostKeyCheck, type HostKeyCheck } from './host-key-check.js';
import { classifyConnectError } from './classify-error.js';
import { authMethodsFor, type AuthMethod } from './ssh-auth.js';
import type { SshSettings } from './ssh-settings.js';
import type { RecordedKey } from './host-key-check.js';

export interface HandshakeOptions {
  agentSocket: string | undefined;
  acceptNewHostKeys: boolean;
  /** told of a key --accept-new recorded */
  onKeyRecorded?: (key: Omit<RecordedKey, 'host'>) => void;
  keepaliveMs: number;
  timeoutMs: number;
  /** aborting it cuts the handshake short (the sample's deadline passed) */
  signal?: AbortSignal;
  /** a stream through a jump host, instead of a TCP connection */
  sock?: Duplex;
  /** called once when the connection errors or closes after it was ready */
  onGone: () => void;
  /** told about the TCP socket as soon as it exists, so a shutdown can cut a handshake short */
  onSocket?: (socket: Duplex) => void;
  /** told what the handshake does, for pvlook doctor */
  observer?: HandshakeObserver;
}

export interface HandshakeObserver {
  /** the TCP connection is open (not told for a stream through a jump host, which is open already) */
  connected?(ms: number): void;
  /** the host-key check in use: its verdict() says which known_hosts line vouched, or why none did */
  hostKeyCheck(check: HostKeyCheck): void;
  /** each login method as ssh2 starts it: the last one started before the connection is ready is the one that worked */
  authStarted(method: AuthMethod): void;
  /** logged in: the handshake took `ms` */
  ready?(ms: number): void;
}

export async function handshake(settings: SshSettings, options: HandshakeOptions): Promise<NodeSSH> {
  const where = `${settings.hostname}:${settings.port}`;
  const keys = await buildHostKeyCheck(settings, options.acceptNewHostKeys, options.onKeyRecorded);
  const auth = await authMethodsFor(settings, options.agentSocket);
  if (auth.length === 0) {
    throw new HostError('auth', `no key to log in to ${where} with: start ssh-agent (SSH_AUTH_SOCK) or set an IdentityFile without a passphrase${settings.identityAgent === 'none' ? ' (IdentityAgent none)' : settings.identitiesOnly === true ? ' (IdentitiesOnly yes: the agent may offer only keys an IdentityFile names)' : ''}`);
  }
  options.observer?.hostKeyCheck(keys);
  const ssh = new NodeSSH();
  const begun = performance.now();
  const sock = options.sock ?? tcpSocket(settings.hostname, settings.port);
  if (!options.sock && options.observer?.connected) sock.once('connect', () => options.observer?.connected?.(Math.round(performance.now() - begun)));
  options.onSocket?.(sock);
  const abort = () => sock.destroy();
  options.signal?.addEventListener('abort', abort, { once: true });
  try {
    await ssh.connect({
      host: settings.hostname,
      port: settings.port,
      username: settings.user,
      sock: sock as never,
      authHandler: options.observer ? observedAuth(auth, options.observer) : auth,
      hostVerifier: keys.verify,
      ...(keys.algorithms.length > 0 ? { algorithms: { serverHostKey: keys.algorithms as never } } : {}),
      readyTimeout: options.timeoutMs,
      keepaliveInterval: options.keepaliveMs,
      keepaliveCountMax: 3,
    });
  } catch (error) {
    ssh.dispose();
    sock.destroy();
    if (options.signal?.aborted) throw new HostError('timeout', `no SSH handshake with ${where} in time`, { cause: error });
    throw classifyConnectError(error, settings, keys);
  } finally {
    options.signal?.removeEventListener('abort', abort);
  }
  options.observer?.ready?.(Math.round(performance.now() - begun));
  // node-ssh removes its own error listener after connecting; without ours a
  // keepalive timeout on an idle connection would crash the process.
  let gone = false;
  const onGone = () => {
    if (gone) return;
    gone = true;
    options.onGone();
  };
  ssh.connection?.on('error', onGone);
  ssh.connection?.on('close', onGone);
  return ssh;
}

/**
 * ssh2's own handler for a list of methods (makeSimpleAuthHandler: each in
 * turn, then give up), telling the observer which one starts: ssh2 does not
 * say which method succeeded.
 */
function observedAuth(methods: readonly AuthMethod[], observer: HandshakeObserver): AuthHandlerMiddleware {
  let next = 0;
  return () => {
    const method = methods[next++];
    if (method === undefined) return false;
    observer.authStarted(method);
    return method;
  };
}

/**
 * The TCP connection under an SSH connection. Each probe is a handful of small
 * packets each way; with Nagle's algorithm meeting delayed ACKs every command
 * waited ~40 ms (measured on loopback: 49 ms -> 7 ms per exec without it).
 */
function tcpSocket(host: string, port: number): Socket {
  const socket = connect({ host, port });
  socket.setNoDelay(true);
  return socket;
}
