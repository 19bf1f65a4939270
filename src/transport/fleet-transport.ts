/**
 * The transport a run uses: each host through the built-in SSH client or the
 * system OpenSSH client, as its `transport` setting and (for auto) its ssh
 * settings decide. Both clients read the same ssh config (-F) and honour
 * --accept-new; the open-files limit is shared between them.
 */
import { AutoTransport } from './auto-transport.js';
import { connectionBudget, openFilesLimit } from './fd-limit.js';
import { OpenSshTransport } from './openssh-transport.js';
import { openSshResolver } from './ssh-settings.js';
import { SshTransport } from './ssh-transport.js';
import type { RecordedKey } from './host-key-check.js';

export interface FleetTransportOptions {
  /** -F: an OpenSSH client config, or null for ~/.ssh/config */
  sshConfigFile: string | null;
  acceptNewHostKeys: boolean;
  /** SSH_AUTH_SOCK */
  agentSocket: string | undefined;
  /** where `~` in ssh -G's output points (default: this user's home) */
  home?: string;
  /** told of every key --accept-new records, through either client */
  onKeyRecorded?: (key: RecordedKey) => void;
}

/** Pipes each ssh process holds open in pvlook (stdin, stdout, stderr). */
const PIPES_PER_PROCESS = 3;

/** Used by a run and by pvlook doctor alike: doctor diagnoses the path a sample takes. */
export function fleetTransport(options: FleetTransportOptions): AutoTransport {
  const resolveSettings = openSshResolver(options.sshConfigFile, options.home);
  const budget = connectionBudget(openFilesLimit());
  return new AutoTransport({
    builtin: new SshTransport({
      resolveSettings,
      agentSocket: options.agentSocket,
      acceptNewHostKeys: options.acceptNewHostKeys,
      maxConnections: budget,
      ...(options.onKeyRecorded ? { onKeyRecorded: options.onKeyRecorded } : {}),
    }),
    openssh: new OpenSshTransport({
      configFile: options.sshConfigFile,
      acceptNewHostKeys: options.acceptNewHostKeys,
      ...(options.onKeyRecorded ? { onKeyRecorded: options.onKeyRecorded } : {}),
      maxProcesses: budget === null ? null : Math.max(1, Math.floor(budget / PIPES_PER_PROCESS)),
      // Settings let hosts behind one bastion share one login to it, and limit logins per destination.
      resolveSettings,
    }),
    resolveSettings,
    agentSocket: options.agentSocket,
  });
}
