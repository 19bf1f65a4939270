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
import { comparePoolValues, type PeerOptions, type PeerVerdict } from './peer-compare.js';
import type { PatternCount, Row } from './snapshot.js';

/** A group's peer settings, or null when the group asked not to be compared. */
export type PeerOptionsFor = (group: string) => PeerOptions | null;

/** Each row's verdicts, by row position: its rate's, and per pattern name its share's; undefined where its group compares none. */
export interface PeerVerdicts {
  rates: (PeerVerdict | undefined)[];
  shares: Map<string, (PeerVerdict | undefined)[]>;
}

/** Every row against its pool (pure: rows and settings in, verdicts out). */
export function peerVerdicts(rows: readonly Row[], optionsFor: PeerOptionsFor): PeerVerdicts {
  const rates = new Array<PeerVerdict | undefined>(rows.length);
  const shares = new Map<string, (PeerVerdict | undefined)[]>();
  for (const { options, members } of poolsOf(rows, optionsFor)) {
    const depth = Math.max(1, options.samples);
    const values = new Float64Array(members.length * depth);
    for (let m = 0; m < members.length; m++) fillRates(values, m * depth, rows[members[m]!]!, depth);
    const verdicts = comparePoolValues(values, members.length, 'rate', options);
    for (let m = 0; m < members.length; m++) rates[members[m]!] = verdicts[m];
    for (const name of patternNames(rows, members)) {
      for (let m = 0; m < members.length; m++) fillShares(values, m * depth, rows[members[m]!]!, name, depth);
      const byShare = comparePoolValues(values, members.length, 'share', options);
      let named = shares.get(name);
      if (named === undefined) shares.set(name, (named = new Array<PeerVerdict | undefined>(rows.length)));
      for (let m = 0; m < members.length; m++) named[members[m]!] = byShare[m];
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
    const patterns = row.patterns === null ? null : row.patterns.map((count): PatternCount => withVerdict(count, shares.get(count.name)?.[index]));
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
 * The log's rate now and `depth - 1` samples back, NaN where it had none. A
 * stale host has no rate now: its last finished sample is one sample back.
 */
function fillRates(values: Float64Array, at: number, row: Pick<Row, 'rate' | 'history' | 'status'>, depth: number): void {
  const stale = row.status === 'stale';
  const { history } = row;
  values[at] = stale || row.rate === null ? NaN : row.rate;
  const last = history.length - (stale ? 0 : 1);
  for (let j = 1; j < depth; j++) values[at + j] = history[last - j] ?? NaN;
}

/** A pattern's share now and `depth - 1` samples back, from its history (just now without one); NaN where none. */
function fillShares(values: Float64Array, at: number, row: Row, name: string, depth: number): void {
  values.fill(NaN, at, at + depth);
  const count = row.patterns?.find((pattern) => pattern.name === name);
  if (count === undefined) return;
  const history = count.history ?? (row.lines ? [count.share] : []);
  for (let j = 0; j < depth && j < history.length; j++) values[at + j] = history[history.length - 1 - j] ?? NaN;
}

/** The rates `fillRates` compares, as a list (null for none): for tests and tools. */
export function recentRates(row: Pick<Row, 'rate' | 'history' | 'status'>, depth: number): (number | null)[] {
  const values = new Float64Array(depth);
  fillRates(values, 0, row, depth);
  return [...values].map((value) => (Number.isNaN(value) ? null : value));
}

function patternNames(rows: readonly Row[], members: readonly number[]): Set<string> {
  const names = new Set<string>();
  for (const index of members) for (const pattern of rows[index]!.patterns ?? []) names.add(pattern.name);
  return names;
}
