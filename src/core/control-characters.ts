/** Patterns travel as one line-free value, split on \x1f: control characters (tab aside) cannot be in one. */
export function hasControlCharacters(text: string): boolean {
  return [...text].some((char) => char.charCodeAt(0) < 0x20 && char !== '\t');
}
