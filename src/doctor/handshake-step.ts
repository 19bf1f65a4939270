/**
 * Steps 4 and 5 in one SSH handshake, the transport's own (host key checked
 * against known_hosts, agent then identity files), watched: which check
 * judged the host key, and which login methods were started. A refused key
 * fails step 4; refused logins fail step 5 after a host key that was fine.
 */
import type { Duplex } from 'node:stream';
import type { NodeSSH } from 'node-ssh';
import { HostError } from '../errors.js';
import type { HostKeyCheck } from '../transport/host-key-check.js';
import type { AuthMethod } from '../transport/ssh-auth.js';
import { handshake } from '../transport/ssh-handshake.js';
import type { ConnectContext } from './connect-step.js';
import { handshakeFixFor } from './fixes.js';
import { hostKeyStep } from './host-key-step.js';
import { loginFailed, loginStep } from './login-step.js';
import type { Resolution } from './resolve-step.js';
import { failed, type StepResult } from './step.js';

export async function handshakeSteps(resolution: Resolution, sock: Duplex, context: ConnectContext): Promise<{ steps: StepResult[]; ssh?: NodeSSH }> {
  const { settings } = resolution;
  // Filled in by the observer (a plain variable would stay `null` to the type checker).
  const seen: { check: HostKeyCheck | null } = { check: null };
  const started: AuthMethod[] = [];
  const begun = performance.now();
  try {
    const ssh = await handshake(settings, {
      agentSocket: context.agentSocket,
      acceptNewHostKeys: context.acceptNewHostKeys,
      keepaliveMs: 15_000,
      timeoutMs: context.timeoutMs,
      sock,
      onGone: () => undefined,
      observer: { hostKeyCheck: (keys) => (seen.check = keys), authStarted: (method) => started.push(method) },
    });
    const ms = Math.round(performance.now() - begun);
    const verdict = seen.check?.verdict() ?? null;
    const name = seen.check?.name ?? '';
    const keyStep = verdict ? hostKeyStep(verdict, name, settings, ms) : failed('handshake', 'the host key was never checked', 'please report this: pvlook connected without checking the host key');
    return { steps: [keyStep, await loginStep(started, resolution.identityFiles, settings)], ssh };
  } catch (error) {
    sock.destroy();
    const failure = error instanceof HostError ? error : new HostError('error', String(error));
    const verdict = seen.check?.verdict() ?? null;
    const name = seen.check?.name ?? '';
    if (verdict !== null && verdict.verdict !== 'trusted' && verdict.verdict !== 'recorded') {
      return { steps: [hostKeyStep(verdict, name, settings, null)] };
    }
    if (failure.status === 'auth') {
      // With nothing to log in with, the transport gives up before connecting: the host key was not looked at.
      const keyStep: StepResult = verdict ? hostKeyStep(verdict, name, settings, null) : { name: 'handshake', status: 'not reached', detail: 'not tried: nothing to log in with (see login)', fix: null };
      return { steps: [keyStep, await loginFailed(started, resolution.identityFiles, settings, resolution.certificateFiles)] };
    }
    return { steps: [failed('handshake', failure.message, handshakeFixFor(failure, settings, context.timeoutMs))] };
  }
}
