/**
 * One host, step by step, stopping at the first step that fails, on the path
 * a sample takes: the run's own transport (the same client choice, jump
 * hosts, host-key check and login), watched through its connect observer,
 * then pvlook's shell and one real first sample over it. Whatever happened,
 * the transport is closed at the end.
 */
import type { HostPlan } from '../config/config.js';
import { hostTarget } from '../core/host-target.js';
import { HostError } from '../errors.js';
import type { HostKeyCheck } from '../transport/host-key-check.js';
import type { AuthMethod } from '../transport/ssh-auth.js';
import { openSshResolver } from '../transport/ssh-settings.js';
import { fleetTransport } from '../transport/fleet-transport.js';
import type { AutoTransport } from '../transport/auto-transport.js';
import type { ConnectObserver, OpenShellOptions, Transport } from '../transport/transport.js';
import { fixFor, handshakeFixFor } from './fixes.js';
import { hostKeyStep } from './host-key-step.js';
import { loginFailed, loginStep } from './login-step.js';
import { logsStep } from './logs-step.js';
import { resolveStep, type Resolution } from './resolve-step.js';
import { shellStep } from './shell-step.js';
import { diagnosis, failed, passed, type HostDiagnosis, type StepResult } from './step.js';
import { transportStep } from './transport-step.js';

export interface DoctorContext {
  sshConfigFile: string | null;
  agentSocket: string | undefined;
  acceptNewHostKeys: boolean;
  timeoutMs: number;
  home: string;
}

/** What the connect observer saw of the target (jump hosts only name themselves in errors). */
interface Seen {
  connectedMs: number | null;
  check: HostKeyCheck | null;
  started: AuthMethod[];
  handshakeMs: number | null;
}

/**
 * @param transport the run's transport, shared by every host doctor looks at
 *   (as in a run: hosts behind one bastion share one login to it)
 */
export async function diagnoseHost(plan: HostPlan, context: DoctorContext, transport: AutoTransport): Promise<HostDiagnosis> {
  const steps: StepResult[] = [];
  const finish = () => diagnosis(plan.spec.label, steps, plan.sudo === true);
  const done = (...results: StepResult[]) => {
    steps.push(...results);
    return results.every((step) => step.status === 'ok');
  };
  const resolved = await resolveStep(plan.spec, openSshResolver(context.sshConfigFile, context.home), context.sshConfigFile);
  if (!done(resolved.step) || !resolved.resolution) return finish();
  const resolution = resolved.resolution;
  {
    let choice;
    try {
      choice = await transport.choice(hostTarget(plan));
    } catch (error) {
      done(failed('transport', (error as Error).message, 'fix the OpenSSH client config of the host or its jump hosts (ssh -G shows the same)'));
      return finish();
    }
    if (!done(transportStep(resolution, choice))) return finish();
    const viaOpenSsh = choice.transport === 'openssh';
    const seen: Seen = { connectedMs: null, check: null, started: [], handshakeMs: null };
    const needsAwk = plan.watches.some((watch) => watch.patterns.length > 0);
    const shell = await shellStep(observed(transport, targetObserver(seen)), hostTarget(plan), needsAwk, context.timeoutMs);
    if (!done(...(viaOpenSsh ? openSshSteps(shell) : await connectSteps(shell, seen, resolution, context)))) return finish();
    // With --sudo the logs step's shell ran through sudo: its success is sudo's, its failure says why.
    if (done(...(await logsStep(observed(transport, {}), plan, resolution.settings.user, context.timeoutMs))) && plan.sudo === true) {
      done(passed('sudo', 'the shell ran as root through sudo -n /bin/sh -s, without a password'));
    }
    return finish();
  }
}

/** The run's transport for doctor's whole run, each host through the client it asked for. */
export function doctorTransport(context: DoctorContext): AutoTransport {
  return fleetTransport(context);
}

/** OpenSSH connects, checks the host key with the user's own policy and logs in by itself: those steps pass once its shell answers. */
function openSshSteps({ step }: Awaited<ReturnType<typeof shellStep>>): StepResult[] {
  if (step.status !== 'ok') return [{ ...step, name: 'connect', detail: `OpenSSH could not start pvlook's shell: ${step.detail}` }];
  return [
    passed('connect', 'by OpenSSH'),
    passed('handshake', 'by OpenSSH, with your known_hosts and its own policy (including @cert-authority)'),
    passed('login', 'by OpenSSH (certificates, agent, GSSAPI, FIDO keys as your ssh config says)'),
    step,
  ];
}

/** Connect, handshake and login as the built-in client went through them, then the shell; the first that failed says why. */
async function connectSteps({ step, error }: Awaited<ReturnType<typeof shellStep>>, seen: Seen, { settings, identityFiles, certificateFiles }: Resolution, context: DoctorContext): Promise<StepResult[]> {
  const where = `${settings.hostname}:${settings.port}`;
  const via = settings.proxyJump !== null ? ` via ${settings.proxyJump}` : '';
  const connected = (ms: number) => passed('connect', `${where}${via} in ${ms} ms`);
  const failure = error ?? null;
  const jump = /^jump host ([^:]+): /.exec(failure?.message ?? '');
  if (failure !== null && jump !== null) return [failed('connect', failure.message, `see why with: pvlook doctor ${jump[1]}`)];
  if (seen.connectedMs === null) {
    if (failure === null) return [failed('connect', 'the connection was never opened', 'please report this: pvlook had a shell without a connection')];
    return [failed('connect', failure.message, fixFor(failure, settings, context.timeoutMs))];
  }
  const verdict = seen.check?.verdict() ?? null;
  const name = seen.check?.name ?? '';
  if (verdict !== null && verdict.verdict !== 'trusted' && verdict.verdict !== 'recorded') return [connected(seen.connectedMs), hostKeyStep(verdict, name, settings, null)];
  if (failure?.status === 'auth' && seen.handshakeMs === null) {
    return [connected(seen.connectedMs), verdict ? hostKeyStep(verdict, name, settings, null) : failed('handshake', failure.message, handshakeFixFor(failure, settings, context.timeoutMs)), await loginFailed(seen.started, identityFiles, settings, certificateFiles)];
  }
  if (seen.handshakeMs === null || verdict === null) {
    const why = failure ?? new HostError('error', 'the handshake did not finish');
    return [connected(seen.connectedMs), failed('handshake', why.message, handshakeFixFor(why, settings, context.timeoutMs))];
  }
  return [connected(seen.connectedMs), hostKeyStep(verdict, name, settings, seen.handshakeMs), await loginStep(seen.started, identityFiles, settings), step];
}

/** What connecting to the target itself does; jump hosts' events are left out (a failed jump host names itself in the error). */
function targetObserver(seen: Seen): ConnectObserver {
  return {
    connected: (ms, hop) => hop === null && (seen.connectedMs = ms),
    hostKeyCheck: (check, hop) => hop === null && (seen.check = check),
    authStarted: (method, hop) => hop === null && seen.started.push(method),
    loggedIn: (ms, hop) => hop === null && (seen.handshakeMs = ms),
  };
}

/** The shared transport with an observer on every shell it opens; closing it is the run's business, not a step's. */
function observed(transport: Transport, observer: ConnectObserver): Transport {
  return {
    openShell: (host, listeners, signal, options?: OpenShellOptions) => transport.openShell(host, listeners, signal, { ...options, observer }),
    close: () => Promise.resolve(),
  };
}
