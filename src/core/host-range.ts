/**
 * Expand host ranges the way fleet tools write them: `web[01-20]` gives
 * web01..web20 (the width of the first bound is kept), `db[1-3,7]` gives
 * db1, db2, db3, db7, and several brackets multiply out.
 */

/** The most hosts one pattern may expand to, so a typo cannot eat all memory. */
export const MAX_EXPANSION = 100_000;

export class HostRangeError extends Error {
  override name = 'RangeError';
}

export function expandHostPattern(pattern: string): string[] {
  const open = pattern.indexOf('[');
  if (open === -1) {
    if (pattern.includes(']')) throw new HostRangeError(`unmatched "]" in ${JSON.stringify(pattern)}`);
    return [pattern];
  }
  const close = pattern.indexOf(']', open);
  if (close === -1) throw new HostRangeError(`unmatched "[" in ${JSON.stringify(pattern)}`);
  const prefix = pattern.slice(0, open);
  if (prefix.includes(']')) throw new HostRangeError(`unmatched "]" in ${JSON.stringify(pattern)}`);
  const choices = expandBracket(pattern.slice(open + 1, close), pattern);
  const tails = expandHostPattern(pattern.slice(close + 1));
  if (choices.length * tails.length > MAX_EXPANSION) {
    throw new HostRangeError(`${JSON.stringify(pattern)} expands to more than ${MAX_EXPANSION} hosts`);
  }
  return choices.flatMap((choice) => tails.map((tail) => prefix + choice + tail));
}

function expandBracket(body: string, pattern: string): string[] {
  if (body.trim() === '') throw new HostRangeError(`empty range in ${JSON.stringify(pattern)}`);
  const out: string[] = [];
  for (const part of body.split(',')) {
    const range = /^(\d+)-(\d+)$/.exec(part.trim());
    if (range) {
      const [, fromText, toText] = range as unknown as [string, string, string];
      const from = Number(fromText);
      const to = Number(toText);
      if (from > to) throw new HostRangeError(`range ${part} runs backwards in ${JSON.stringify(pattern)}`);
      if (to - from + 1 + out.length > MAX_EXPANSION) {
        throw new HostRangeError(`${JSON.stringify(pattern)} expands to more than ${MAX_EXPANSION} hosts`);
      }
      const width = fromText.length;
      for (let n = from; n <= to; n++) out.push(String(n).padStart(width, '0'));
    } else if (/^[A-Za-z0-9_.]+$/.test(part.trim())) {
      out.push(part.trim());
    } else {
      throw new HostRangeError(`bad range ${JSON.stringify(part)} in ${JSON.stringify(pattern)} (expected like [01-20] or [1,3,5])`);
    }
  }
  return out;
}
