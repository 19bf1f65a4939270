/**
 * Step 7: one real pvlook sample of the host's logs (ShellProber, the wire
 * format, the shell functions), on the connection doctor opened. A first
 * sample reports each log's size and nothing else, so it costs the host a
 * stat or two per log and reads no log data.
 */
import type { HostPlan } from '../config/config.js';
import { HostError } from '../errors.js';
import { hostTarget } from '../core/host-target.js';
import { ShellProber } from '../probe/shell-prober.js';
import type { LogProbe } from '../core/probe-types.js';
import type { Transport } from '../transport/transport.js';
import { failed, passed, type StepResult } from './step.js';

/**
 * The logs step's result; with --sudo, a sudo that would not start the shell
 * is the sudo step's failure (with its fix), and the logs were not reached.
 */
export async function logsStep(transport: Transport, plan: HostPlan, user: string, timeoutMs: number): Promise<StepResult[]> {
  const prober = new ShellProber(transport);
  const requests = plan.watches.map((watch) => ({ path: watch.log, previous: null, patterns: watch.patterns.map((pattern) => pattern.regex) }));
  try {
    const result = await prober.sample(hostTarget(plan), requests, AbortSignal.timeout(timeoutMs));
    const found = plan.watches.map((watch, index) => judge(watch.log, result.logs[index] ?? { kind: 'missing' }, user, plan.sudo === true));
    const problems = found.filter((log) => log.fix !== null);
    const detail = found.map((log) => log.detail).join('; ');
    if (problems.length === 0) return [passed('logs', detail)];
    return [failed('logs', detail, problems.map((log) => log.fix).join('; '))];
  } catch (error) {
    const message = error instanceof HostError || error instanceof Error ? error.message : String(error);
    // The shell step ran without sudo and passed: a refusal now is sudo's (see probe/host-shell.ts sudoRefusal).
    if (plan.sudo === true && error instanceof HostError && /^sudo /.test(message)) {
      return [{ name: 'logs', status: 'not reached', detail: 'not reached: sudo did not start the shell (see sudo)', fix: null }, failed('sudo', message, sudoFix(user, error))];
    }
    return [failed('logs', `the sample failed: ${message}`, 'run pvlook doctor again; if it persists, the host\'s shell or tools answer in a way pvlook does not expect (see the shell step)')];
  } finally {
    await prober.close();
  }
}

function judge(path: string, probe: LogProbe, user: string, sudo: boolean): { detail: string; fix: string | null } {
  switch (probe.kind) {
    case 'ok':
      return { detail: `${path}: readable, ${size(probe.offset)}`, fix: null };
    case 'files': {
      const failedFile = probe.files.find((file) => file.probe.kind !== 'ok');
      if (failedFile) return judge(failedFile.path, failedFile.probe, user, sudo);
      const total = probe.files.reduce((sum, file) => sum + (file.probe.kind === 'ok' ? file.probe.offset : 0), 0);
      return { detail: `${path}: ${probe.files.length} file${probe.files.length === 1 ? '' : 's'}, ${size(total)} in all`, fix: null };
    }
    case 'missing':
      return { detail: `${path} does not exist`, fix: `check the path (--log, or "log" in the config file); on the host: ls -l ${path}` };
    case 'unreadable':
      return sudo
        ? { detail: `${path} is not readable even through sudo`, fix: `check the file's mode and any MAC policy (SELinux, AppArmor) on the host: ls -lZ ${path}` }
        : { detail: `${path} is not readable by ${user}`, fix: `let ${user} read ${path} (e.g. add ${user} to the log's group, often adm), or use --sudo` };
    case 'error':
      return { detail: `${path}: ${probe.message}`, fix: 'the host\'s tools refused the request (a pattern awk does not accept?)' };
  }
}

/** What to do about a sudo that would not run pvlook's shell, by why. */
function sudoFix(user: string, refusal: HostError): string {
  if (refusal.status === 'error') return 'install sudo on the host, or drop --sudo';
  return `on the host, allow exactly pvlook's command without a password: echo '${user} ALL=(root) NOPASSWD: /bin/sh -s' > /etc/sudoers.d/pvlook (check it with visudo -c), or drop --sudo`;
}

/** Bytes, with a unit a person reads at a glance. */
export function size(bytes: number): string {
  const units = ['bytes', 'KiB', 'MiB', 'GiB', 'TiB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return unit === 0 ? `${bytes} bytes` : `${value.toFixed(value >= 10 ? 0 : 1)} ${units[unit]}`;
}
