/**
 * Step 3: a stream to the host's SSH port, timed: a TCP connection, or a
 * channel through its ProxyJump chain (each jump host logged in to with the
 * transport's own handshake, host key checked). The stream is then handed to
 * the handshake, so what is timed here is exactly what the sample would use.
 */
import { connect, type Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import type { NodeSSH } from 'node-ssh';
import { HostError } from '../errors.js';
import { parseHostSpec } from '../core/host-spec.js';
import { classifyConnectError } from '../transport/classify-error.js';
import type { HostKeyCheck } from '../transport/host-key-check.js';
import { handshake } from '../transport/ssh-handshake.js';
import { openSshResolver, type SshSettings } from '../transport/ssh-settings.js';
import { fixFor } from './fixes.js';
import { failed, passed, type StepResult } from './step.js';

export interface ConnectContext {
  sshConfigFile: string | null;
  agentSocket: string | undefined;
  acceptNewHostKeys: boolean;
  timeoutMs: number;
}

export interface Connected {
  sock: Duplex;
  /** jump host connections, to close when done */
  jumps: NodeSSH[];
}

/** Jump hosts within jump hosts: as deep as the transport allows. */
const MAX_JUMP_DEPTH = 8;

export async function connectStep(settings: SshSettings, context: ConnectContext): Promise<{ step: StepResult; connected?: Connected }> {
  const where = `${settings.hostname}:${settings.port}`;
  const jumps: NodeSSH[] = [];
  const started = performance.now();
  try {
    const sock = await openPath(settings, context, jumps, 0);
    const ms = Math.round(performance.now() - started);
    const via = settings.proxyJump !== null ? ` via ${settings.proxyJump}` : '';
    return { step: passed('connect', `${where}${via} in ${ms} ms`), connected: { sock, jumps } };
  } catch (error) {
    for (const jump of jumps) jump.dispose();
    if (error instanceof JumpHostError) return { step: failed('connect', error.message, `see why with: pvlook doctor ${error.hop}`) };
    const failure = error instanceof HostError ? error : classifyConnectError(error, settings, NO_KEY_CHECK);
    return { step: failed('connect', failure.message, fixFor(failure, settings, context.timeoutMs)) };
  }
}

/** The host's SSH port, directly or through its jump hosts (first hop first, each hop's own ProxyJump followed). */
async function openPath(target: SshSettings, context: ConnectContext, jumps: NodeSSH[], depth: number): Promise<Duplex> {
  if (target.proxyJump === null) return tcpConnect(target.hostname, target.port, context.timeoutMs);
  if (depth >= MAX_JUMP_DEPTH) throw new HostError('error', `ProxyJump nests more than ${MAX_JUMP_DEPTH} deep; is there a loop?`);
  const resolve = openSshResolver(context.sshConfigFile);
  let via: NodeSSH | null = null;
  for (const hop of target.proxyJump.split(',').map((text) => text.trim()).filter(Boolean)) {
    try {
      const settings = await resolve(parseHostSpec(hop.replace(/^ssh:\/\//, '')));
      // As the transport does: connecting to a jump host directly would bypass its ProxyCommand.
      if (settings.proxyCommand !== null) throw new HostError('error', `ProxyCommand is not supported (use ProxyJump); refusing to connect to ${hop} directly`);
      const sock = via ? await forward(via, settings.hostname, settings.port) : await openPath(settings, context, jumps, depth + 1);
      via = await handshake(settings, {
        agentSocket: context.agentSocket,
        acceptNewHostKeys: context.acceptNewHostKeys,
        keepaliveMs: 15_000,
        timeoutMs: context.timeoutMs,
        sock,
        onGone: () => undefined,
      });
      jumps.push(via);
    } catch (error) {
      if (error instanceof JumpHostError) throw error;
      const message = error instanceof Error ? error.message : String(error);
      throw new JumpHostError(hop, error instanceof HostError ? error.status : 'error', `jump host ${hop}: ${message}`, { cause: error });
    }
  }
  if (via === null) throw new HostError('error', `empty ProxyJump for ${target.hostname}`);
  return forward(via, target.hostname, target.port);
}

function tcpConnect(host: string, port: number, timeoutMs: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host, port });
    socket.setNoDelay(true);
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new HostError('timeout', `no answer from ${host}:${port} in ${timeoutMs / 1000} s`));
    }, timeoutMs);
    socket.once('connect', () => {
      clearTimeout(timer);
      // From here the handshake listens; until it does, a late error must not go unhandled.
      socket.on('error', () => undefined);
      resolve(socket);
    });
    socket.once('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
  });
}

/** A direct-tcpip channel through a jump host, as `ssh -W` makes. */
function forward(via: NodeSSH, host: string, port: number): Promise<Duplex> {
  return new Promise((resolve, reject) => {
    const connection = via.connection;
    if (!connection) return reject(new HostError('unreachable', 'the jump host connection is closed'));
    connection.forwardOut('127.0.0.1', 0, host, port, (error, stream) => {
      if (error) reject(new HostError(/refused/i.test(error.message) ? 'refused' : 'unreachable', `the jump host cannot reach ${host}:${port}: ${error.message}`, { cause: error }));
      else resolve(stream);
    });
  });
}

/** A failure on the way through a jump host, which doctor can diagnose on its own. */
class JumpHostError extends HostError {
  constructor(
    readonly hop: string,
    ...rest: ConstructorParameters<typeof HostError>
  ) {
    super(...rest);
  }
}

/** classifyConnectError explains a refused host key from its check; before any handshake there is none. */
const NO_KEY_CHECK: HostKeyCheck = { name: '', algorithms: [], verify: () => false, verdict: () => null };
