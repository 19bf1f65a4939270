/**
 * Text a host or a log chose (stderr lines in error messages, file names a
 * glob matched) is data, and must never become terminal control: an ESC could
 * set the window title, clear the screen or rewrite what the operator reads;
 * a bidi override could make a name read backwards. Every renderer passes host
 * text through here before it reaches a terminal, a JSON line, a metrics label
 * or a check's output.
 *
 * What is unsafe: control characters (C0, DEL, C1), format characters (bidi
 * overrides and isolates, zero-width marks), lone surrogates, and the Unicode
 * line and paragraph separators. Each is shown escaped (`\x1b`, `\u202e`)
 * rather than dropped, so a strange name stays recognisable. The backslash
 * itself is doubled, so two names that differ only there stay distinct: a
 * literal `a\x1b` shows as `a\\x1b`, an `a` followed by ESC as `a\x1b`.
 * That makes escaping one-way: it is done once, where text leaves pvlook
 * (each renderer, the exporter, the error printer), never where it is stored.
 */
import type { Row } from './snapshot.js';

const UNSAFE = /[\\\p{Cc}\p{Cf}\p{Cs}\p{Zl}\p{Zp}]/gu;
/** The common case, printable ASCII but the backslash, needs no regex walk: a frame checks thousands of names. */
const PRINTABLE_ASCII = /^[\u0020-\u005b\u005d-\u007e]*$/;

const SHORT: Record<string, string> = { '\\': '\\\\', '\t': '\\t', '\n': '\\n', '\r': '\\r' };

export function safeText(text: string): string {
  if (PRINTABLE_ASCII.test(text)) return text;
  return text.replace(UNSAFE, escapeCharacter);
}

/**
 * pvlook's own message, which may quote a value (a stack trace, a config
 * error): each line's control characters escaped, the line breaks and
 * backslashes kept, since such a message is read, not compared.
 */
export function safeLines(text: string): string {
  return text
    .split('\n')
    .map((line) => (PRINTABLE_ASCII.test(line) ? line : line.replace(UNSAFE, (character) => (character === '\\' ? character : escapeCharacter(character)))))
    .join('\n');
}

function escapeCharacter(character: string): string {
  const short = SHORT[character];
  if (short !== undefined) return short;
  const code = character.codePointAt(0)!;
  if (code <= 0xff) return `\\x${code.toString(16).padStart(2, '0')}`;
  if (code <= 0xffff) return `\\u${code.toString(16).padStart(4, '0')}`;
  return `\\u{${code.toString(16)}}`;
}

/**
 * A row whose every text field is safe to show. The same row comes back when
 * nothing needed escaping, so rendering a large, ordinary fleet allocates nothing.
 */
export function safeRow(row: Row): Row {
  const host = safeText(row.host);
  const group = safeText(row.group);
  const log = safeText(row.log);
  const error = row.error === null ? null : safeText(row.error);
  const patterns = row.patterns?.some((p) => safeText(p.name) !== p.name) ? row.patterns.map((p) => ({ ...p, name: safeText(p.name) })) : row.patterns;
  if (host === row.host && group === row.group && log === row.log && error === row.error && patterns === row.patterns) return row;
  return { ...row, host, group, log, error, patterns };
}

// Safe text has no control characters left but as escapes, so printable ASCII is all there is to keep.
const ASCII_ONLY = /^[\u0020-\u007e]*$/;
const BEYOND_ASCII = /[^\u0020-\u007e]/gu;

/**
 * Safe text with every character beyond ASCII escaped too, in the same
 * notation (`é` as `\xe9`), for --ascii. Given text safeText made safe, whose
 * backslashes are doubled, it adds no ambiguity: every backslash still starts
 * exactly one escape or a doubled one, so distinct names stay distinct.
 */
export function asciiText(safe: string): string {
  return ASCII_ONLY.test(safe) ? safe : safe.replace(BEYOND_ASCII, escapeCharacter);
}

/** safeRow's row with asciiText applied to its every text field. */
export function asciiRow(safe: Row): Row {
  const fields = [safe.host, safe.group, safe.log, safe.error ?? '', ...(safe.patterns ?? []).map((p) => p.name)];
  if (fields.every((field) => ASCII_ONLY.test(field))) return safe;
  return {
    ...safe,
    host: asciiText(safe.host),
    group: asciiText(safe.group),
    log: asciiText(safe.log),
    error: safe.error === null ? null : asciiText(safe.error),
    ...(safe.patterns ? { patterns: safe.patterns.map((p) => ({ ...p, name: asciiText(p.name) })) } : {}),
  };
}
