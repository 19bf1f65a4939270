/**
 * `pvlook check --peers`: a log that is odd among its peers (its rate, or a
 * pattern's share) is a WARNING, or CRITICAL when its ratio is beyond the
 * thresholds the user chose. Pure: the row's verdicts in, findings out.
 */
import type { PeerVerdict } from './peer-compare.js';
import type { Row } from './snapshot.js';

export interface PeerThresholds {
  /** judge peer verdicts at all */
  peers?: boolean;
  /** CRITICAL when an odd log's ratio is below this */
  peersCriticalBelow?: number;
  /** CRITICAL when an odd log's ratio is above this */
  peersCriticalAbove?: number;
}

export interface PeerFinding {
  state: 'WARNING' | 'CRITICAL';
  reason: string;
}

/** Asked for by --peers, or implied by either critical threshold. */
export function judgesPeers(limits: PeerThresholds): boolean {
  return limits.peers === true || limits.peersCriticalBelow !== undefined || limits.peersCriticalAbove !== undefined;
}

export function peerFindings(row: Pick<Row, 'peer' | 'patterns'>, limits: PeerThresholds): PeerFinding[] {
  if (!judgesPeers(limits)) return [];
  const findings: PeerFinding[] = [];
  if (row.peer?.odd) findings.push(finding(row.peer, limits, `rate ${ratioText(row.peer)}its peers' median (${round(row.peer.median)}/s)`));
  for (const pattern of row.patterns ?? []) {
    const peer = pattern.peer;
    if (peer?.odd) findings.push(finding(peer, limits, `${pattern.name} ${percent(pattern.share)} of lines, ${ratioText(peer)}its peers' median (${percent(peer.median)})`));
  }
  return findings;
}

function finding(peer: PeerVerdict, limits: PeerThresholds, what: string): PeerFinding {
  // A share among peers with none at all has no ratio: it is beyond any upper threshold.
  const ratio = peer.ratio ?? (peer.odd === 'high' ? Infinity : null);
  const critical =
    ratio !== null && ((peer.odd === 'low' && limits.peersCriticalBelow !== undefined && ratio < limits.peersCriticalBelow) || (peer.odd === 'high' && limits.peersCriticalAbove !== undefined && ratio > limits.peersCriticalAbove));
  return { state: critical ? 'CRITICAL' : 'WARNING', reason: `odd among peers: ${what}` };
}

/** `0.2x`, in ASCII: a status line ends up in monitoring web pages, mails and pagers, not all of which read Unicode. */
function ratioText(peer: PeerVerdict): string {
  return peer.ratio === null ? 'against ' : `${round(peer.ratio)}x `;
}

function round(value: number | null): string {
  return value === null ? 'unknown' : String(Math.round(value * 1000) / 1000);
}

function percent(share: number | null): string {
  return share === null ? 'unknown' : `${(share * 100).toFixed(1)}%`;
}
