/**
 * A host as the prober and the transport receive it: where it is, and how its
 * plan says to reach it. The settings travel with the host, so no layer below
 * the plan keeps a map of them by label.
 */
import type { HostSpec } from './host-spec.js';
import type { SessionMode } from './session-mode.js';
import type { TransportMode } from './transport-choice.js';

export interface HostTarget extends HostSpec {
  /** absent: one long-lived shell */
  session?: SessionMode;
  /** true: the shell runs through `sudo -n` */
  sudo?: boolean;
  /** absent: auto */
  transport?: TransportMode;
}

/** The target a host's plan describes. */
export function hostTarget(plan: { spec: HostSpec; session?: SessionMode; sudo?: boolean; transport?: TransportMode }): HostTarget {
  return {
    ...plan.spec,
    ...(plan.session !== undefined ? { session: plan.session } : {}),
    ...(plan.sudo !== undefined ? { sudo: plan.sudo } : {}),
    ...(plan.transport !== undefined ? { transport: plan.transport } : {}),
  };
}
