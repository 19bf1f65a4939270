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
import { OpenSshTransport } from '../transport/openssh-transport.js';
import type { Transport } from '../transport/transport.js';

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
  /** The steps that run pvlook's own shell, over whichever client connected. */
  const shellAndLogs = async (transport: Transport, shellDone?: StepResult): Promise<HostDiagnosis> => {
    const needsAwk = plan.watches.some((watch) => watch.patterns.length > 0);
    if (!done(shellDone ?? (await shellStep(transport, plan.spec, needsAwk, context.timeoutMs)))) return finish();
    // With --sudo the logs step's shell ran through sudo: its success is sudo's, its failure says why.
    if (done(...(await logsStep(transport, plan, user, context.timeoutMs))) && plan.sudo === true) {
      done(passed('sudo', 'the shell ran as root through sudo -n /bin/sh -s, without a password'));
    }
    return finish();
  };
  let user = '';
  try {
    const resolved = await resolveStep(plan.spec, context.sshConfigFile, context.home);
    if (!done(resolved.step) || !resolved.resolution) return finish();
    const { resolution } = resolved;
    user = resolution.settings.user;
    const chosen = await transportStep(resolution, plan.transport ?? 'auto', context.agentSocket);
    if (!done(chosen.step)) return finish();
    if (chosen.choice.transport === 'openssh') {
      // OpenSSH connects, checks the host key with the user's own policy and logs in by itself: only
      // once its shell answers are those steps known to have passed; before that, what it said fails "connect".
      const transport = new OpenSshTransport({ configFile: context.sshConfigFile, acceptNewHostKeys: context.acceptNewHostKeys });
      try {
        const needsAwk = plan.watches.some((watch) => watch.patterns.length > 0);
        const shell = await shellStep(transport, plan.spec, needsAwk, context.timeoutMs);
        if (shell.status !== 'ok') {
          done({ ...shell, name: 'connect', detail: `OpenSSH could not start pvlook's shell: ${shell.detail}` });
          return finish();
        }
        done(
          passed('connect', 'by OpenSSH'),
          passed('handshake', 'by OpenSSH, with your known_hosts and its own policy (including @cert-authority)'),
          passed('login', 'by OpenSSH (certificates, agent, GSSAPI, FIDO keys as your ssh config says)'),
        );
        return await shellAndLogs(transport, shell);
      } finally {
        await transport.close();
      }
    }
    const connected = await connectStep(resolution.settings, context);
    if (!done(connected.step) || !connected.connected) return finish();
    open.push(...connected.connected.jumps);
    const handshake = await handshakeSteps(resolution, connected.connected.sock, context);
    if (handshake.ssh) open.push(handshake.ssh);
    if (!done(...handshake.steps) || !handshake.ssh) return finish();
    return await shellAndLogs(new ConnectionTransport(handshake.ssh));
  } finally {
    // The target first, then its jump hosts from the last hop back to the first.
    for (const ssh of open.reverse()) ssh.dispose();
  }
}
