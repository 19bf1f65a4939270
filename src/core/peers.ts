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

/** Each row's verdicts, by position: its rate's, and its patterns' by name; undefined where its group compares none. */
export interface PeerVerdicts {
  rates: (PeerVerdict | undefined)[];
  shares: (Map<string, PeerVerdict> | undefined)[];
}

/** Every row against its pool (pure: rows and settings in, verdicts out). */
export function peerVerdicts(rows: readonly Row[], optionsFor: PeerOptionsFor): PeerVerdicts {
  const rates: (PeerVerdict | undefined)[] = new Array<PeerVerdict | undefined>(rows.length);
  const shares: (Map<string, PeerVerdict> | undefined)[] = new Array<Map<string, PeerVerdict> | undefined>(rows.length);
  for (const { options, members } of poolsOf(rows, optionsFor)) {
    const depth = Math.max(1, options.samples);
    const verdicts = comparePool(members.map((index) => recentRates(rows[index]!, depth)), 'rate', options);
    members.forEach((index, m) => (rates[index] = verdicts[m]));
    for (const name of patternNames(rows, members)) {
      const byShare = comparePool(members.map((index) => recentShares(rows[index]!, name, depth)), 'share', options);
      members.forEach((index, m) => (shares[index] ??= new Map()).set(name, byShare[m]!));
    }
  }
  return { rates, shares };
}

/** The rows with `peer` set on each row (and each pattern count) of a group that compares its logs. */
export function withPeers(rows: readonly Row[], optionsFor: PeerOptionsFor): Row[] {
  const { rates, shares } = peerVerdicts(rows, optionsFor);
  return rows.map((row, index) => {
    const peer = rates[index];
    if (peer === undefined) return row;
    const byName = shares[index];
    const patterns = row.patterns === null || byName === undefined ? row.patterns : row.patterns.map((count): PatternCount => withVerdict(count, byName.get(count.name)));
    return { ...row, peer, patterns };
  });
}

/** Rows by pool: one group's logs of one path, for the groups that compare their logs. */
function poolsOf(rows: readonly Row[], optionsFor: PeerOptionsFor): { options: PeerOptions; members: number[] }[] {
  const byGroup = new Map<string, { options: PeerOptions | null; byLog: Map<string, { options: PeerOptions; members: number[] }> }>();
  const pools: { options: PeerOptions; members: number[] }[] = [];
  rows.forEach((row, index) => {
    let group = byGroup.get(row.group);
    if (group === undefined) byGroup.set(row.group, (group = { options: optionsFor(row.group), byLog: new Map() }));
    if (group.options === null) return;
    let pool = group.byLog.get(row.log);
    if (pool === undefined) {
      group.byLog.set(row.log, (pool = { options: group.options, members: [] }));
      pools.push(pool);
    }
    pool.members.push(index);
  });
  return pools;
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
