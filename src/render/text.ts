/**
 * Fixed-width text: pad and cut by display width, not by string length, so
 * columns line up whatever the characters (log paths may be any Unicode).
 * Measuring is the hot path of a frame, so the common case (ASCII and the
 * one-cell symbols pvlook draws with) is counted directly; anything else goes
 * to string-width, which knows wide and combining characters.
 */
import cliTruncate from 'cli-truncate';
import stringWidth from 'string-width';

// SGR colour codes: the only escapes pvlook's own text contains.
// eslint-disable-next-line no-control-regex -- matching escape codes is the point
const SGR = /\u001b\[[0-9;]*m/g;
// Printable ASCII, box drawing, block elements, geometric shapes, and · — … ✗: all one cell wide.
const ONE_CELL = /^[\u0020-\u007e\u00b7\u2014\u2026\u2500-\u25ff\u2717]*$/;

export function displayWidth(text: string): number {
  const plain = text.includes('\u001b') ? text.replace(SGR, '') : text;
  return ONE_CELL.test(plain) ? plain.length : stringWidth(text);
}

/** `ellipsis` marks a cut (`...` in ASCII mode); where it would not leave room for any text, the cut goes unmarked. */
export function fit(text: string, width: number, align: 'left' | 'right' = 'left', position: 'end' | 'start' | 'middle' = 'end', ellipsis = '…'): string {
  if (width <= 0) return '';
  const current = displayWidth(text);
  const mark = displayWidth(ellipsis) <= Math.max(1, width - 1) ? ellipsis : '';
  const cut = current <= width ? text : mark.length > 1 && position === 'middle' && /^[\u0020-\u007e]*$/.test(text) ? middleCut(text, width, mark) : cliTruncate(text, width, { position, truncationCharacter: mark });
  const pad = ' '.repeat(Math.max(0, width - (cut === text ? current : displayWidth(cut))));
  return align === 'left' ? cut + pad : pad + cut;
}

/**
 * A middle cut of ASCII text with a mark wider than one cell (`...`), which
 * cli-truncate miscounts: the head and the tail both kept where the width
 * allows, so names that share a prefix still read apart.
 */
function middleCut(text: string, width: number, mark: string): string {
  const room = width - mark.length;
  if (room < 2) return text.slice(0, width);
  const tail = Math.floor(room / 2);
  return text.slice(0, room - tail) + mark + text.slice(text.length - tail);
}
