/**
 * A log's peer verdict as a terminal cell: `1.02×` for an ordinary log,
 * `! 0.20× low` for an odd one (the mark and the word read without colour),
 * a dash when there is no ratio (too few peers, an idle pool).
 */
import type { PeerVerdict } from '../core/peer-compare.js';
import type { Glyphs, Style } from './style.js';
import { formatRatio } from './peer-text.js';

export function peerText(peer: PeerVerdict | undefined, glyphs: Glyphs): string {
  if (peer === undefined) return '';
  const ratio = formatRatio(peer.ratio, peer.odd ? '' : glyphs.unknown, glyphs.times);
  return peer.odd ? `${glyphs.odd} ${ratio} ${peer.odd}`.replace('  ', ' ') : ratio;
}

export function peerPaint(peer: PeerVerdict | undefined, style: Style): (text: string) => string {
  if (peer?.odd) return style.paint.magenta.bold;
  return peer?.ratio === null ? style.paint.dim : (text) => text;
}
