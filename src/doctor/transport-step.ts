/**
 * Step 2: which client connects, and why: the same choice a sample makes
 * (core/transport-choice.ts over the facts transport/transport-facts.ts reads
 * from the host's settings and the files they name), or the client the user
 * named. With `builtin`, a ProxyCommand host, or one whose host-key settings
 * only OpenSSH reads, is refused here, as the built-in client refuses it.
 */
import { chooseTransport, namedChoice, type TransportChoice, type TransportMode } from '../core/transport-choice.js';
import { transportFacts } from '../transport/transport-facts.js';
import type { Resolution } from './resolve-step.js';
import { failed, passed, type StepResult } from './step.js';

export async function transportStep({ settings }: Resolution, mode: TransportMode, agentSocket: string | undefined): Promise<{ step: StepResult; choice: TransportChoice }> {
  const choice = mode === 'auto' ? chooseTransport(await transportFacts(settings, agentSocket)) : namedChoice(mode);
  if (choice.transport === 'builtin' && settings.proxyCommand !== null) {
    return {
      choice,
      step: failed(
        'transport',
        `built-in client: it cannot run ProxyCommand ${settings.proxyCommand}, and will not connect around it`,
        'use transport auto or openssh for this host (or ProxyJump: ProxyCommand "ssh -W %h:%p bastion" is ProxyJump bastion)',
      ),
    };
  }
  const unread = settings.hostKeySourcesOnlyOpenSshReads?.[0];
  if (choice.transport === 'builtin' && unread !== undefined) {
    // As the built-in client refuses the host in a run (transport/ssh-transport.ts).
    return { choice, step: failed('transport', `built-in client: ${unread} is read by OpenSSH only, and the built-in client will not check the host key with less`, 'use transport auto or openssh for this host') };
  }
  const client = choice.transport === 'openssh' ? 'OpenSSH (the system ssh, one process per host)' : 'built-in client';
  return { choice, step: passed('transport', `${client}: ${choice.why}`) };
}
