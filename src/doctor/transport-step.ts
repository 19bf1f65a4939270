/**
 * Step 2: which client connects, and why: the run's own choice
 * (AutoTransport.choice: the host's settings and its jump hosts'), or the
 * client the user named. With `builtin`, a ProxyCommand host, or one whose host-key settings
 * only OpenSSH reads, is refused here, as the built-in client refuses it.
 */
import type { TransportChoice } from '../core/transport-choice.js';
import type { Resolution } from './resolve-step.js';
import { failed, passed, type StepResult } from './step.js';

export function transportStep({ settings }: Resolution, choice: TransportChoice): StepResult {
  if (choice.transport === 'builtin' && settings.proxyCommand !== null) {
    return failed(
        'transport',
        `built-in client: it cannot run ProxyCommand ${settings.proxyCommand}, and will not connect around it`,
      'use transport auto or openssh for this host (or ProxyJump: ProxyCommand "ssh -W %h:%p bastion" is ProxyJump bastion)',
    );
  }
  const unread = settings.hostKeySourcesOnlyOpenSshReads?.[0];
  if (choice.transport === 'builtin' && unread !== undefined) {
    // As the built-in client refuses the host in a run (transport/ssh-transport.ts).
    return failed('transport', `built-in client: ${unread} is read by OpenSSH only, and the built-in client will not check the host key with less`, 'use transport auto or openssh for this host');
  }
  const client = choice.transport === 'openssh' ? 'OpenSSH (the system ssh, one process per host)' : 'built-in client';
  return passed('transport', `${client}: ${choice.why}`);
}
