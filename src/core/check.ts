/**
 * Judge one snapshot against thresholds the way a Nagios plugin does: a state
 * per log, the worst one for the fleet, one status line with performance data.
 * Pure: rows and thresholds in, verdict out.
 */
import { safeRow } from './safe-text.js';
import { roundRate, totalOf, type Row } from './snapshot.js';
import { meanOfKnown } from './trend.js';
import { peerFindings, type PeerThresholds } from './peer-check.js';
import type { CheckState } from './exit-codes.js';

export interface Thresholds extends PeerThresholds {
  /** CRITICAL below this many lines/s */
  minRate?: number;
  /** CRITICAL above this many lines/s */
  maxRate?: number;
  /** WARNING when the rate is more than this percent below the mean of the earlier rates */
  maxDrop?: number;
  /** CRITICAL when the lines matching a named pattern are more than this percent of the new lines */
  maxShare?: Record<string, number>;
}

const SEVERITY: CheckState[] = ['OK', 'WARNING', 'UNKNOWN', 'CRITICAL'];

export interface RowVerdict {
  row: Row;
  state: CheckState;
  reasons: string[];
  /** percent below the mean of the earlier rates, when there were any */
  drop: number | null;
}

export interface CheckResult {
  state: CheckState;
  summary: string;
  perfdata: string;
  verdicts: RowVerdict[];
  /** the fleet's honest total (core/carry.ts), as the live view and JSON show it; null when unknown */
  total: number | null;
  /** how many logs the total carries the last rate of */
  carried: number;
}

export function judgeRow(row: Row, limits: Thresholds): RowVerdict {
  const mean = meanOfKnown(row.history.slice(0, -1));
  const drop = row.rate !== null && mean !== null && mean > 0 ? ((mean - row.rate) / mean) * 100 : null;
  if (row.rate === null) {
    return { row, state: 'WARNING', reasons: [row.error ? `${row.status}: ${row.error}` : 'no rate yet'], drop };
  }
  const reasons: string[] = [];
  let state: CheckState = 'OK';
  if (limits.minRate !== undefined && row.rate < limits.minRate) {
    state = 'CRITICAL';
    reasons.push(`${rate(row.rate)}/s < ${limits.minRate}/s`);
  }
  if (limits.maxRate !== undefined && row.rate > limits.maxRate) {
    state = 'CRITICAL';
    reasons.push(`${rate(row.rate)}/s > ${limits.maxRate}/s`);
  }
  for (const [name, max] of Object.entries(limits.maxShare ?? {})) {
    const count = row.patterns?.find((p) => p.name === name);
    if (count && count.share * 100 > max) {
      state = 'CRITICAL';
      reasons.push(`${name} ${(count.share * 100).toFixed(1)}% of lines > ${max}%`);
    }
  }
  if (limits.maxDrop !== undefined && drop !== null && drop > limits.maxDrop) {
    if (state === 'OK') state = 'WARNING';
    reasons.push(`dropped ${drop.toFixed(0)}% (> ${limits.maxDrop}%)`);
  }
  for (const found of peerFindings(row, limits)) {
    state = worst([state, found.state]);
    reasons.push(found.reason);
  }
  return { row, state, reasons, drop };
}

export function judgeFleet(rows: readonly Row[], limitsFor: (group: string) => Thresholds): CheckResult {
  // The verdicts carry rows whose host text is safe to print: a status line ends up on a terminal or in a web UI.
  const verdicts = rows.map(safeRow).map((row) => judgeRow(row, limitsFor(row.group)));
  // The same honest total as everywhere else: a log rotating during the check is not a traffic drop.
  const { rate: total, carried } = totalOf(rows);
  const sampled = verdicts.filter((verdict) => verdict.row.rate !== null).length;
  // Nothing measured at all is not a judgement about traffic: UNKNOWN.
  const state = rows.length === 0 || sampled === 0 ? 'UNKNOWN' : worst(verdicts.map((verdict) => verdict.state));
  return { state, summary: summarize(verdicts, sampled, total, carried), perfdata: perfdata(verdicts, limitsFor, total), verdicts, total, carried };
}

export function statusLine(result: CheckResult): string {
  return `PVLOOK ${result.state} - ${result.summary} | ${result.perfdata}`;
}

function logs(count: number): string {
  return `${count} ${count === 1 ? 'log' : 'logs'}`;
}

function worst(states: CheckState[]): CheckState {
  return states.reduce<CheckState>((a, b) => (SEVERITY.indexOf(b) > SEVERITY.indexOf(a) ? b : a), 'OK');
}

function summarize(verdicts: RowVerdict[], sampled: number, total: number | null, carried: number): string {
  if (verdicts.length === 0) return 'no hosts to check';
  if (sampled === 0) return `no host could be sampled (${logs(verdicts.length)})`;
  const problems = verdicts.filter((verdict) => verdict.state !== 'OK');
  const head = `${logs(verdicts.length)}, ${total === null ? 'unknown' : rate(total)} lines/s in total${carried > 0 ? ` (${carried} carried)` : ''}`;
  if (problems.length === 0) return head;
  // The worst first, and only a few: the status line must stay one readable line.
  problems.sort((a, b) => SEVERITY.indexOf(b.state) - SEVERITY.indexOf(a.state));
  const listed = problems.slice(0, 5).map((verdict) => `${verdict.row.host} (${verdict.row.group}) ${verdict.state}: ${verdict.reasons.join(', ')}`);
  const more = problems.length > 5 ? `; and ${problems.length - 5} more` : '';
  return `${head}; ${listed.join('; ')}${more}`;
}

/** `'label'=value;warn;crit;min;max` per log, plus the total: Nagios plugin perfdata. */
function perfdata(verdicts: RowVerdict[], limitsFor: (group: string) => Thresholds, total: number | null): string {
  const items = verdicts.flatMap(({ row }) => {
    const limits = limitsFor(row.group);
    const value = row.rate === null ? 'U' : rate(row.rate);
    const shares = (row.patterns ?? []).map((p) => `${label(`${row.host} ${row.group} ${p.name}`)}=${rate(p.share * 100)}%;;${limits.maxShare?.[p.name] ?? ''};0;100`);
    return [`${label(`${row.host} ${row.group}`)}=${value};;${range(limits)};0;`, ...shares];
  });
  // U is Nagios's word for a value that could not be measured: an unknown total is not 0.
  items.push(`${label('total')}=${total === null ? 'U' : rate(total)};;;0;`);
  return items.join(' ');
}

/** Nagios range for "alert outside min..max": `min:max`, `min:`, or `~:max`. */
function range(limits: Thresholds): string {
  if (limits.minRate !== undefined && limits.maxRate !== undefined) return `${limits.minRate}:${limits.maxRate}`;
  if (limits.minRate !== undefined) return `${limits.minRate}:`;
  if (limits.maxRate !== undefined) return `~:${limits.maxRate}`;
  return '';
}

/** Perfdata labels are single-quoted; a quote inside is doubled, and '=' is not allowed. */
function label(text: string): string {
  return `'${text.replaceAll("'", "''").replaceAll('=', '_')}'`;
}

function rate(value: number): string {
  return String(roundRate(value));
}
