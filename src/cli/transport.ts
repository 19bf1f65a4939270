/**
 * The transport a run uses: each host through the built-in SSH client or the
 * system OpenSSH client, as its `transport` setting and (for auto) its ssh
 * settings decide. Both clients read the same ssh config (-F) and honour
 * --accept-new; the open-files limit is shared between them.
 */
import type { Config } from '../config/config.js';
import type { Env } from '../config/resolve.js';
import { AutoTransport } from '../transport/auto-transport.js';
import { connectionBudget, openFilesLimit } from '../transport/fd-limit.js';
import { OpenSshTransport } from '../transport/openssh-transport.js';
import { settingsHandoff } from '../transport/settings-handoff.js';
import { openSshResolver } from '../transport/ssh-settings.js';
import { SshTransport } from '../transport/ssh-transport.js';

/** Pipes each ssh process holds open in pvlook (stdin, stdout, stderr). */
const PIPES_PER_PROCESS = 3;

export function fleetTransport(config: Config, env: Env): AutoTransport {
  const resolveSettings = openSshResolver(config.sshConfigFile);
  const handoff = settingsHandoff(resolveSettings);
  const budget = connectionBudget(openFilesLimit());
  const modes = new Map(config.hosts.map((host) => [host.spec.label, host.transport]));
  return new AutoTransport({
    builtin: new SshTransport({
      resolveSettings: handoff.resolve,
      agentSocket: env.SSH_AUTH_SOCK,
      acceptNewHostKeys: config.acceptNewHostKeys,
      maxConnections: budget,
    }),
    openssh: new OpenSshTransport({
      configFile: config.sshConfigFile,
      // Settings let hosts behind one bastion share one login to it, and limit logins per destination.
      resolveSettings,
      acceptNewHostKeys: config.acceptNewHostKeys,
      maxProcesses: budget === null ? null : Math.max(1, Math.floor(budget / PIPES_PER_PROCESS)),
    }),
    modeFor: (host) => modes.get(host.label),
    resolveSettings,
    agentSocket: env.SSH_AUTH_SOCK,
    handOff: handoff.offer,
  });
}
