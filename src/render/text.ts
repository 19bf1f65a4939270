/**
 * Fixed-width text: pad and cut by display width, not by string length, so
 * columns line up whatever the characters (log paths may be any Unicode).
 */
import cliTruncate from 'cli-truncate';
import stringWidth from 'string-width';

export function fit(text: string, width: number, align: 'left' | 'right' = 'left', position: 'end' | 'start' | 'middle' = 'end'): string {
  if (width <= 0) return '';
  const cut = stringWidth(text) > width ? cliTruncate(text, width, { position }) : text;
  const pad = ' '.repeat(Math.max(0, width - stringWidth(cut)));
  return align === 'left' ? cut + pad : pad + cut;
}

export { stringWidth };
