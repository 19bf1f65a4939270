/**
 * Turn raw terminal input into key names. One read may hold several keys
 * (typing fast, pasting), and arrows and page keys arrive as escape sequences.
 */
export type Key = string;

const SEQUENCES: [string, Key][] = [
  ['\u001b[A', 'up'],
  ['\u001b[B', 'down'],
  ['\u001b[C', 'right'],
  ['\u001b[D', 'left'],
  ['\u001b[5~', 'pageup'],
  ['\u001b[6~', 'pagedown'],
  ['\u001b[H', 'home'],
  ['\u001b[F', 'end'],
  ['\u001b[1~', 'home'],
  ['\u001b[4~', 'end'],
  ['\u001bOA', 'up'],
  ['\u001bOB', 'down'],
];

export function parseKeys(data: string): Key[] {
  const keys: Key[] = [];
  let rest = data;
  while (rest.length > 0) {
    const sequence = SEQUENCES.find(([prefix]) => rest.startsWith(prefix));
    if (sequence) {
      keys.push(sequence[1]);
      rest = rest.slice(sequence[0].length);
      continue;
    }
    const char = rest[0] as string;
    rest = rest.slice(1);
    if (char === '\u0003') keys.push('ctrl-c');
    else if (char === '\u001b') {
      // A lone escape, or the start of a sequence we do not know: drop the rest of that sequence.
      const unknown = /^\[[0-9;]*[~A-Za-z]/.exec(rest);
      if (unknown) rest = rest.slice(unknown[0].length);
      else keys.push('escape');
    } else if (char === '\r' || char === '\n') keys.push('enter');
    else if (char === '\u007f' || char === '\b') keys.push('backspace');
    else if (char >= ' ') keys.push(char);
  }
  return keys;
}
