/**
 * Turn schema issues into lines a person can act on: the key path, what is
 * wrong, and the value that was found there.
 */
import type { z } from 'zod';
import { quote } from '../errors.js';

export function describeIssues(error: z.ZodError, input: unknown, keyPrefix = ''): string[] {
  return error.issues.map((issue) => {
    if (issue.code === 'unrecognized_keys') {
      const keys = issue.keys.map((key) => keyName([...issue.path, key], keyPrefix));
      return `unknown key ${keys.join(', ')}`;
    }
    const where = issue.path.length > 0 ? keyName(issue.path, keyPrefix) : '(top level)';
    if (issue.code === 'invalid_key') {
      // A record key failed its own check: say why, and show the key itself.
      const reason = issue.issues[0]?.message ?? issue.message;
      return `key ${where}: ${reason} (got ${quote(issue.path.at(-1))})`;
    }
    const value = valueAt(input, issue.path);
    const message = issue.message.replace(/^Invalid input: /, '').replace('expected int,', 'expected a whole number,');
    if (value === undefined) return `key ${where}: missing (${message.replace(/, received undefined$/, '')})`;
    return `key ${where}: ${message} (got ${quote(value)})`;
  });
}

function keyName(path: readonly PropertyKey[], prefix: string): string {
  return quote(prefix + path.map((part) => (typeof part === 'number' ? `[${part}]` : String(part))).join('.').replace(/\.\[/g, '['));
}

function valueAt(input: unknown, path: readonly PropertyKey[]): unknown {
  let value = input;
  for (const part of path) {
    if (value === null || typeof value !== 'object') return undefined;
    value = (value as Record<PropertyKey, unknown>)[part];
  }
  return value;
}
