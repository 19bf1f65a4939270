/**
 * Ending an ssh started in its own process group: SIGTERM to the group (ssh
 * and whatever runs beside it: a ProxyCommand, the sh that supervises a
 * bastion master), SIGKILL if it lingers.
 */
import type { ChildProcess } from 'node:child_process';

export function endGroup(child: ChildProcess): void {
  const signal = (name: NodeJS.Signals) => {
    try {
      if (child.pid !== undefined) process.kill(-child.pid, name);
    } catch {
      // already gone
    }
  };
  signal('SIGTERM');
  if (child.exitCode === null && child.signalCode === null) setTimeout(() => signal('SIGKILL'), 2000).unref();
}
