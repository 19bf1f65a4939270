/**
 * What `pvlook doctor` reports for a host: its steps in order, each ok,
 * failed (with one line on how to fix it), not reached (an earlier step
 * failed), or not asked (a check pvlook does not make yet).
 */

/** The steps, in the order a sample goes through them. */
export const STEP_NAMES = ['resolve', 'transport', 'connect', 'handshake', 'login', 'shell', 'logs', 'sudo'] as const;
export type StepName = (typeof STEP_NAMES)[number];

export type StepStatus = 'ok' | 'failed' | 'not reached' | 'not asked';

export interface StepResult {
  name: StepName;
  status: StepStatus;
  detail: string;
  /** one line on how to fix a failed step; null otherwise */
  fix: string | null;
}

export interface HostDiagnosis {
  /** the host as the user named it */
  host: string;
  /** every step that pvlook needs passed: the host would be sampled */
  ok: boolean;
  steps: StepResult[];
}

export function passed(name: StepName, detail: string): StepResult {
  return { name, status: 'ok', detail, fix: null };
}

export function failed(name: StepName, detail: string, fix: string): StepResult {
  return { name, status: 'failed', detail, fix };
}

/** A host's diagnosis from the steps it went through: the rest are not reached, or, for sudo when not asked for, not asked. */
export function diagnosis(host: string, done: readonly StepResult[], sudo = false): HostDiagnosis {
  const stopped = done.some((step) => step.status === 'failed');
  const steps = STEP_NAMES.map(
    (name): StepResult =>
      done.find((step) => step.name === name) ??
      (name === 'sudo' && !sudo
        ? { name, status: 'not asked', detail: 'not asked: pvlook reads logs as the login user (--sudo to read them as root)', fix: null }
        : { name, status: 'not reached', detail: 'not reached', fix: null }),
  );
  return { host, ok: !stopped, steps };
}
