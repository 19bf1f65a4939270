/**
 * Turn schema issues into lines a person can act on: where (the line, when
 * the file is known), the key path, what is wrong in pvlook's words, and the
 * value that was found there; one line per problem, and a "did you mean"
 * for a key that is a letter or two off one pvlook knows.
 */
import type { z } from 'zod';
import { quote } from '../errors.js';
import { keysAt } from './schema.js';

type Issue = z.core.$ZodIssue;

export interface IssueOptions {
  /** put before every key path (hosts files, the `pvlook` key of a package.json) */
  keyPrefix?: string;
  /** the line of the file a key path is on, if known */
  lineOf?: (path: readonly PropertyKey[]) => number | null;
}

export function describeIssues(error: z.ZodError, input: unknown, options: IssueOptions = {}): string[] {
  const seen = new Set<string>();
  const lines: { line: number | null; text: string }[] = [];
  for (const issue of error.issues.flatMap((one) => unwrapUnion(one, input))) {
    // One line per problem: a value that breaks two rules is one mistake.
    const at = issue.code === 'unrecognized_keys' ? `${issue.path.join('.')}:${issue.keys.join(',')}` : issue.path.join('.');
    if (seen.has(at)) continue;
    seen.add(at);
    const add = (path: readonly PropertyKey[], text: string) => {
      const line = options.lineOf?.(path) ?? null;
      lines.push({ line, text: line === null ? text : `line ${line}: ${text}` });
    };
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys) {
        const near = nearest(key, keysAt(issue.path));
        add([...issue.path, key], `unknown key ${keyName([...issue.path, key], options.keyPrefix)}${near ? ` (did you mean "${near}"?)` : ''}`);
      }
      continue;
    }
    const where = issue.path.length > 0 ? keyName(issue.path, options.keyPrefix) : '(top level)';
    if (issue.code === 'invalid_key') {
      // A record key failed its own check: say why, and show the key itself.
      const reason = issue.issues[0]?.message ?? issue.message;
      add(issue.path, `key ${where}: ${reason} (got ${quote(issue.path.at(-1))})`);
      continue;
    }
    const value = valueAt(input, issue.path);
    const message = inOurWords(issue);
    if (value === undefined) add(issue.path.slice(0, -1), `key ${where}: missing (${message.replace(/, received undefined$/, '')})`);
    else add(issue.path, `key ${where}: ${message} (got ${quote(value)})`);
  }
  // In the order they stand in the file.
  return lines.sort((a, b) => (a.line ?? Infinity) - (b.line ?? Infinity)).map((entry) => entry.text);
}

/** The schema library's stock wording, said as pvlook says things; a message the schema chose is kept. */
function inOurWords(issue: Issue): string {
  if (issue.code === 'too_small' && /^Too small/.test(issue.message)) return `must be at least ${String(issue.minimum)}`;
  if (issue.code === 'too_big' && /^Too big/.test(issue.message)) return `must be at most ${String(issue.maximum)}`;
  return issue.message.replace(/^Invalid input: /, '').replace('expected int,', 'expected a whole number,');
}

/**
 * A value that matches no branch of a union (a host list, or one host as a
 * string): the branch of the value's own type says what is wrong with it.
 */
function unwrapUnion(issue: Issue, input: unknown): Issue[] {
  if (issue.code !== 'invalid_union' || issue.errors.length === 0) return [issue];
  const typed = issue.errors.find((branch) => !branch.every((inner) => inner.code === 'invalid_type' && inner.path.length === 0)) ?? issue.errors[0]!;
  return typed.flatMap((inner) => unwrapUnion({ ...inner, path: [...issue.path, ...inner.path] } as Issue, input));
}

/** A known key one or two letters away (a typo), if there is exactly one nearest. */
function nearest(key: string, known: readonly string[]): string | null {
  let best: string | null = null;
  let bestDistance = Infinity;
  for (const candidate of known) {
    const distance = editDistance(key.toLowerCase(), candidate.toLowerCase());
    if (distance < bestDistance) [best, bestDistance] = [candidate, distance];
  }
  return best !== null && bestDistance <= Math.min(2, Math.floor(key.length / 3)) ? best : null;
}

/** Edit distance: insertions, deletions, substitutions, and two letters swapped (the commonest typo) as one. */
function editDistance(a: string, b: string): number {
  const rows: number[][] = [Array.from({ length: b.length + 1 }, (_, j) => j)];
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) {
      let best = Math.min(rows[i - 1]![j]! + 1, row[j - 1]! + 1, rows[i - 1]![j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) best = Math.min(best, rows[i - 2]![j - 2]! + 1);
      row[j] = best;
    }
    rows.push(row);
  }
  return rows[a.length]![b.length]!;
}

function keyName(path: readonly PropertyKey[], prefix = ''): string {
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
