/**
 * Settings resolved once, used twice: the auto transport runs `ssh -G` for a
 * host to choose its client, and hands the result to the built-in client's
 * next lookup of that host instead of running `ssh -G` again (about 4 ms of
 * CPU per host, a thousand hosts at start-up). Only the lookup made while
 * `offer` runs takes it, so a later reconnect still reads the config afresh.
 */
import type { HostSpec } from '../core/host-spec.js';
import type { SettingsResolver, SshSettings } from './ssh-settings.js';

export interface SettingsHandoff {
  /** the resolver to give the built-in client */
  resolve: SettingsResolver;
  /** run `use` with `settings` waiting for the first lookup of `spec` it makes (synchronously) */
  offer<T>(spec: HostSpec, settings: SshSettings, use: () => T): T;
}

export function settingsHandoff(resolve: SettingsResolver): SettingsHandoff {
  const offered = new Map<string, SshSettings>();
  return {
    resolve: (spec) => {
      const settings = offered.get(spec.label);
      if (settings === undefined) return resolve(spec);
      offered.delete(spec.label);
      return Promise.resolve(settings);
    },
    offer: (spec, settings, use) => {
      offered.set(spec.label, settings);
      try {
        return use();
      } finally {
        offered.delete(spec.label);
      }
    },
  };
}
