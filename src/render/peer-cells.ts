/**
 * A log's peer verdict as a terminal cell: `1.02×` for an ordinary log,
 * `! 0.20× low` for an odd one (the mark and the word read without colour),
 * a dash when there is no ratio (too few peers, an idle pool).
 */
import type { PeerVerdict } from '../core/peer-compare.js';
import type { Style } from './style.js';
import { formatRatio } from './peer-text.js';
import { fit } from './text.js';

export function peerText(peer: PeerVerdict | undefined, style: Style): string {
  if (peer === undefined) return '';
  const ratio = formatRatio(peer.ratio, peer.odd ? '' : style.glyphs.unknown);
  return peer.odd ? `${style.glyphs.odd} ${ratio} ${peer.odd}`.replace('  ', ' ') : ratio;
}

export function peerCell(peer: PeerVerdict | undefined, width: number, style: Style): string {
  const text = fit(peerText(peer, style), width);
  if (peer?.odd) return style.paint.magenta.bold(text);
  return peer?.ratio === null ? style.paint.dim(text) : text;
}
