/**
 * One host, step by step, stopping at the first step that fails: the steps a
 * sample goes through, in the order it goes through them, on one connection
 * that is closed at the end whatever happened.
 */
import type { NodeSSH } from 'node-ssh';
import type { HostPlan } from '../config/config.js';
import { ConnectionTransport } from './connection-transport.js';
import { connectStep, type ConnectContext } from './connect-step.js';
import { handshakeSteps } from './handshake-step.js';
import { logsStep } from './logs-step.js';
import { resolveStep } from './resolve-step.js';
import { shellStep } from './shell-step.js';
import { diagnosis, passed, type HostDiagnosis, type StepResult } from './step.js';
import { transportStep } from './transport-step.js';

export interface DoctorContext extends ConnectContext {
  home: string;
}

export async function diagnoseHost(plan: HostPlan, context: DoctorContext): Promise<HostDiagnosis> {
  const steps: StepResult[] = [];
  const open: NodeSSH[] = [];
  const finish = () => diagnosis(plan.spec.label, steps, plan.sudo === true);
  const done = (...results: StepResult[]) => {
    steps.push(...results);
    return results.every((step) => step.status === 'ok');
  };
  try {
    const resolved = await resolveStep(plan.spec, context.sshConfigFile, context.home);
    if (!done(resolved.step) || !resolved.resolution) return finish();
    const { resolution } = resolved;
    if (!done(transportStep(resolution))) return finish();
    const connected = await connectStep(resolution.settings, context);
    if (!done(connected.step) || !connected.connected) return finish();
    open.push(...connected.connected.jumps);
    const handshake = await handshakeSteps(resolution, connected.connected.sock, context);
    if (handshake.ssh) open.push(handshake.ssh);
    if (!done(...handshake.steps) || !handshake.ssh) return finish();
    const transport = new ConnectionTransport(handshake.ssh);
    const needsAwk = plan.watches.some((watch) => watch.patterns.length > 0);
    if (!done(await shellStep(transport, plan.spec, needsAwk, context.timeoutMs))) return finish();
    // With --sudo the logs step's shell ran through sudo: its success is sudo's, its failure says why.
    if (done(await logsStep(transport, plan, resolution.settings.user, context.timeoutMs)) && plan.sudo === true) {
      done(passed('sudo', 'the shell ran as root through sudo -n /bin/sh -s, without a password'));
    }
    return finish();
  } finally {
    // The target first, then its jump hosts from the last hop back to the first.
    for (const ssh of open.reverse()) ssh.dispose();
  }
}
