/**
 * How a peer verdict (core/peer-compare.ts) leaves pvlook: the JSON shape,
 * and the short text the table, the live view and check print. Formatting
 * only: the verdict itself is the core's.
 */
import type { PeerVerdict } from '../core/peer-compare.js';
import { roundRate } from '../core/snapshot.js';
import { formatRatio as formatRatioText } from '../core/display-format.js';

export interface JsonPeer {
  /** the value over its peers' median now; null when there is none that means something (see reason) */
  ratio: number | null;
  median: number | null;
  odd: boolean;
  /** low or high when odd */
  side: 'low' | 'high' | null;
  /** logs of the group with a value now, this one included */
  peers: number;
  /** why there is no ratio, or why it is odd */
  reason: string | null;
}

/** `digits` decimals for the median: 3 for rates (as every rate), 4 for shares (as every share). */
export function jsonPeer(peer: PeerVerdict, digits: 3 | 4): JsonPeer {
  const scale = 10 ** digits;
  return {
    ratio: peer.ratio === null ? null : roundRate(peer.ratio),
    median: peer.median === null ? null : Math.round(peer.median * scale) / scale,
    odd: peer.odd !== null,
    side: peer.odd,
    peers: peer.peers,
    reason: peer.reason,
  };
}

/** `0.20×`, `12.0×`, or `—` without a ratio (`0.20x` and `-` in ASCII mode): the page's rule too (core/display-format.js). */
export function formatRatio(ratio: number | null, unknown = '—', times = '×'): string {
  return formatRatioText(ratio, unknown, times);
}
