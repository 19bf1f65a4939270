/**
 * Who is compared with whom, and the snapshot rows with their verdicts. The
 * peers of a log are the logs of the same group and path on the other hosts
 * (a group is the pool the user already declared; a `--split` glob's files
 * are compared file by file). Computed once per snapshot, here, so the
 * terminal, JSON, web view, metrics and check all show the same verdict.
 *
 * A log's recent values come from its history: its current rate, then the
 * rates of the samples before. Hosts sample on their own schedules, so the
 * j-th sample back of two hosts is about, not exactly, the same moment:
 * close enough for a median that asks for `samples` in a row.
 */
import { comparePool, type PeerOptions, type PeerVerdict } from './peer-compare.js';
import type { PatternCount, Row } from './snapshot.js';

/** A group's peer settings, or null when the group asked not to be compared. */
export type PeerOptionsFor = (group: string) => PeerOptions | null;

/** The rows with `peer` set on each row (and each pattern count) of a group that compares its logs. */
export function withPeers(rows: readonly Row[], optionsFor: PeerOptionsFor): Row[] {
  const pools = new Map<string, { options: PeerOptions; members: number[] }>();
  const optionsByGroup = new Map<string, PeerOptions | null>();
  rows.forEach((row, index) => {
    let options = optionsByGroup.get(row.group);
    if (options === undefined) optionsByGroup.set(row.group, (options = optionsFor(row.group)));
    if (options === null) return;
    const key = `${row.group}\u0000${row.log}`;
    let pool = pools.get(key);
    if (!pool) pools.set(key, (pool = { options, members: [] }));
    pool.members.push(index);
  });
  if (pools.size === 0) return [...rows];

  const rateVerdicts = new Map<number, PeerVerdict>();
  const shareVerdicts = new Map<number, Map<string, PeerVerdict>>();
  for (const { options, members } of pools.values()) {
    const depth = Math.max(1, options.samples);
    const verdicts = comparePool(members.map((index) => recentRates(rows[index]!, depth)), 'rate', options);
    members.forEach((index, m) => rateVerdicts.set(index, verdicts[m]!));
    for (const name of patternNames(rows, members)) {
      const shares = comparePool(members.map((index) => recentShares(rows[index]!, name, depth)), 'share', options);
      members.forEach((index, m) => {
        let byName = shareVerdicts.get(index);
        if (!byName) shareVerdicts.set(index, (byName = new Map()));
        byName.set(name, shares[m]!);
      });
    }
  }
  return rows.map((row, index) => {
    const peer = rateVerdicts.get(index);
    if (peer === undefined) return row;
    const byName = shareVerdicts.get(index);
    const patterns = row.patterns === null || byName === undefined ? row.patterns : row.patterns.map((count): PatternCount => withVerdict(count, byName.get(count.name)));
    return { ...row, peer, patterns };
  });
}

function withVerdict(count: PatternCount, peer: PeerVerdict | undefined): PatternCount {
  return peer === undefined ? count : { ...count, peer };
}

/**
 * The log's rate now and `depth - 1` samples back. A stale host has no rate
 * now: its last finished sample is one sample back.
 */
export function recentRates(row: Pick<Row, 'rate' | 'history' | 'status'>, depth: number): (number | null)[] {
  const values: (number | null)[] = [row.status === 'stale' ? null : row.rate];
  const last = row.history.length - (row.status === 'stale' ? 0 : 1);
  for (let j = 1; j < depth; j++) values.push(row.history[last - j] ?? null);
  return values;
}

/** A pattern's share now and `depth - 1` samples back, from its history (just now without one). */
function recentShares(row: Row, name: string, depth: number): (number | null)[] {
  const count = row.patterns?.find((pattern) => pattern.name === name);
  const values: (number | null)[] = [];
  if (count === undefined) return values;
  const history = count.history ?? [count.share];
  for (let j = 0; j < depth; j++) values.push(history[history.length - 1 - j] ?? null);
  return values;
}

function patternNames(rows: readonly Row[], members: readonly number[]): Set<string> {
  const names = new Set<string>();
  for (const index of members) for (const pattern of rows[index]!.patterns ?? []) names.add(pattern.name);
  return names;
}
