/**
 * Quote a string for POSIX sh so that it is always one literal word.
 * Inside single quotes nothing is special, so only the quote itself needs care:
 * it closes the quote, adds an escaped quote, and reopens.
 */
export function shQuote(value: string): string {
  if (value.includes('\0')) throw new Error('a shell word cannot contain a NUL byte');
  return `'${value.replaceAll("'", `'\\''`)}'`;
}

/** The inverse of shQuote for words it produced (used by the simulated fleet). */
export function shUnquote(word: string): string {
  let out = '';
  const token = /'([^']*)'|\\'/gy;
  let match: RegExpExecArray | null;
  while ((match = token.exec(word)) !== null) {
    out += match[1] ?? "'";
    if (token.lastIndex === word.length) return out;
  }
  throw new Error(`not a quoted shell word: ${word}`);
}
