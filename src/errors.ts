/**
 * The few error classes pvlook shows to people. Each carries a short message
 * meant for the terminal; the underlying error, if any, rides along as `cause`.
 */

import { EXIT_USAGE } from './core/exit-codes.js';
import type { FailureStatus } from './core/failure-status.js';

/** A mistake on the command line or in the environment: exit 2. */
export class UsageError extends Error {
  readonly exitCode = EXIT_USAGE;
  override name = 'UsageError';
}

/** A mistake in a config or hosts file: names the file, the key and the value. Exit 2. */
export class ConfigError extends Error {
  readonly exitCode = EXIT_USAGE;
  override name = 'ConfigError';
  constructor(
    readonly file: string,
    readonly problems: readonly string[],
    options?: ErrorOptions,
  ) {
    super(`${file}: ${problems.length === 1 ? problems[0] : '\n  ' + problems.join('\n  ')}`, options);
  }
}


export class HostError extends Error {
  override name = 'HostError';
  constructor(
    readonly status: FailureStatus,
    message: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}

/** Quote a value for a user-facing message the way people read it: JSON-style. */
export function quote(value: unknown): string {
  if (value === undefined) return 'undefined';
  const text = JSON.stringify(value);
  if (text === undefined) return String(value);
  return text.length > 80 ? text.slice(0, 77) + '...' : text;
}
