/**
 * Host text as a renderer shows it: made safe (never obeyed), and in ASCII
 * mode with anything beyond ASCII escaped, so --ascii output is ASCII even
 * where a host name, a log path or an ssh error is not.
 */
import { asciiRow, asciiText, safeRow, safeText } from '../core/safe-text.js';
import type { Row } from '../core/snapshot.js';
import type { Style } from './style.js';

export function shownRow(row: Row, style: Pick<Style, 'ascii'>): Row {
  const safe = safeRow(row);
  return style.ascii ? asciiRow(safe) : safe;
}

export function shownText(text: string, style: Pick<Style, 'ascii'>): string {
  const safe = safeText(text);
  return style.ascii ? asciiText(safe) : safe;
}
