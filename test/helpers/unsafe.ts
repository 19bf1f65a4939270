/** Characters a terminal could obey in pvlook's output, other than line breaks and pvlook's own colour codes. */
// eslint-disable-next-line no-control-regex -- matching escape codes is the point
const SGR = /\u001b\[[0-9;]*m/g;
const UNSAFE = /[\p{Cc}\p{Cf}\p{Cs}\p{Zl}\p{Zp}]/gu;

export function unsafeCharacters(text: string): string[] {
  return (text.replace(SGR, '').replaceAll('\n', '').match(UNSAFE) ?? []).map((c) => `U+${c.codePointAt(0)!.toString(16).padStart(4, '0')}`);
}
