/**
 * Ending an ssh started in its own process group: SIGTERM to the group (ssh
 * and whatever runs beside it: a ProxyCommand, the sh that supervises a
 * bastion master), SIGKILL if it lingers.
 */
import type { ChildProcess } from 'node:child_process';

/** End every child still running, each with its group, and wait until they have exited (their pipes may close later). */
export async function endGroups(children: Iterable<ChildProcess>): Promise<void> {
  const running = [...children].filter((child) => child.exitCode === null && child.signalCode === null);
  const gone = running.map((child) => new Promise((resolve) => child.once('exit', resolve)));
  for (const child of running) endGroup(child);
  await Promise.all(gone);
}

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
