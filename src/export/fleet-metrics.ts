/**
 * The fleet as Prometheus metrics, with prom-client. The exported series are a
 * function of the latest snapshot: every update rebuilds them, so a series
 * whose log, file or pattern is gone disappears, and a failing host keeps only
 * `pvlook_host_up 0` and its age, never a rate from before it failed.
 *
 * Counters are the sampler's own running counts (Row.counted): every line
 * counted exactly once, however often snapshots are taken, kept through
 * rotations and the host's failures. A series is absent while its host
 * fails and comes back with the count it had plus what was counted since,
 * so Prometheus sees no reset; a stale host's series stay as they were.
 */
import { Counter, Gauge, Registry } from 'prom-client';
import { safeRow } from '../core/safe-text.js';
import type { Counted, Row, Snapshot } from '../core/snapshot.js';

type LogLabels = { host: string; group: string; log: string };
type PatternLabels = LogLabels & { pattern: string };

export class FleetMetrics {
  readonly registry = new Registry();
  private readonly lines = new Counter({
    name: 'pvlook_log_lines_total',
    help: 'Lines appended to the log since pvlook started watching it (counted between samples).',
    labelNames: ['host', 'group', 'log'],
    registers: [this.registry],
  });
  private readonly rate = new Gauge({
    name: 'pvlook_log_lines_per_second',
    help: 'Lines per second over the last interval; absent while unknown (first sample, rotation, failure).',
    labelNames: ['host', 'group', 'log'],
    registers: [this.registry],
  });
  private readonly patternLines = new Counter({
    name: 'pvlook_log_pattern_lines_total',
    help: 'New lines that matched a named pattern.',
    labelNames: ['host', 'group', 'log', 'pattern'],
    registers: [this.registry],
  });
  private readonly patternRate = new Gauge({
    name: 'pvlook_log_pattern_lines_per_second',
    help: 'Lines per second matching a named pattern over the last interval; absent while unknown.',
    labelNames: ['host', 'group', 'log', 'pattern'],
    registers: [this.registry],
  });
  private readonly peerRatio = new Gauge({
    name: 'pvlook_log_peer_ratio',
    help: "The log's rate over the median rate of its group's logs of this path; absent while unknown (too few peers, median below the floor, no rate).",
    labelNames: ['host', 'group', 'log'],
    registers: [this.registry],
  });
  private readonly peerOdd = new Gauge({
    name: 'pvlook_log_peer_odd',
    help: '1 while the log is odd among its peers by its rate, else 0; absent where the group does not compare its logs, and while the log is not ok.',
    labelNames: ['host', 'group', 'log'],
    registers: [this.registry],
  });
  private readonly patternPeerRatio = new Gauge({
    name: 'pvlook_log_pattern_peer_ratio',
    help: "A pattern's share of the log's lines over the median share of its peers; absent while unknown (too few peers, their median 0).",
    labelNames: ['host', 'group', 'log', 'pattern'],
    registers: [this.registry],
  });
  private readonly patternPeerOdd = new Gauge({
    name: 'pvlook_log_pattern_peer_odd',
    help: "1 while the pattern's share of the log's lines is odd among its peers, else 0.",
    labelNames: ['host', 'group', 'log', 'pattern'],
    registers: [this.registry],
  });
  private readonly up = new Gauge({
    name: 'pvlook_host_up',
    help: '1 if the host answered its latest sample in time, 0 while it is stale or failing.',
    labelNames: ['host'],
    registers: [this.registry],
  });
  private readonly age = new Gauge({
    name: 'pvlook_host_sample_age_seconds',
    help: 'Seconds since the host last answered a sample.',
    labelNames: ['host'],
    registers: [this.registry],
  });
  private readonly round = new Gauge({
    name: 'pvlook_round_duration_seconds',
    help: "Time the slowest host's last sample took, settings, connecting and answer included.",
    registers: [this.registry],
  });
  private readonly logs = new Gauge({
    name: 'pvlook_logs',
    help: 'Watched logs by state of their last sample.',
    labelNames: ['state'],
    registers: [this.registry],
  });

  private readonly tokenFailures = new Counter({
    name: 'pvlook_web_token_failures_total',
    help: 'Requests to the web view or /metrics that brought a wrong token (each is throttled per client address).',
    registers: [this.registry],
  });

  /** A wrong token arrived (the HTTP server tells). */
  tokenFailed(): void {
    this.tokenFailures.inc();
  }

  /** Running counts by series, the only state kept between snapshots. */
  private lineCounts = new Map<string, { labels: LogLabels; value: number }>();
  private patternCounts = new Map<string, { labels: PatternLabels; value: number }>();

  update(snapshot: Snapshot): void {
    // Labels are host text (file names): made safe like everything else pvlook shows.
    const rows = snapshot.rows.map(safeRow);
    const hostOk = new Map<string, boolean>();
    for (const row of rows) hostOk.set(row.host, (hostOk.get(row.host) ?? true) && row.status === 'ok');
    const staleHosts = new Set(rows.filter((row) => row.status === 'stale').map((row) => row.host));

    this.lineCounts = nextCounts(this.lineCounts, rows, staleHosts, (counted, row) => [{ labels: logLabels(row), value: counted.lines }]);
    this.patternCounts = nextCounts(this.patternCounts, rows, staleHosts, (counted, row) =>
      Object.entries(counted.matches).map(([pattern, value]: [string, number]) => ({ labels: { ...logLabels(row), pattern }, value })),
    );

    for (const metric of [this.lines, this.rate, this.patternLines, this.patternRate, this.peerRatio, this.peerOdd, this.patternPeerRatio, this.patternPeerOdd, this.up, this.age, this.logs]) metric.reset();
    for (const { labels, value } of this.lineCounts.values()) this.lines.inc(labels, value);
    for (const { labels, value } of this.patternCounts.values()) this.patternLines.inc(labels, value);
    for (const row of rows) {
      if (row.status !== 'ok') continue;
      // An unknown rate is left out rather than exported as a number that is not true.
      if (row.rate !== null) this.rate.set(logLabels(row), row.rate);
      for (const count of row.patterns ?? []) this.patternRate.set({ ...logLabels(row), pattern: count.name }, count.rate);
      this.setPeers(row);
    }
    for (const [host, ok] of hostOk) this.up.set({ host }, ok ? 1 : 0);
    for (const row of rows) if (row.age !== null) this.age.set({ host: row.host }, row.age);
    this.round.set(snapshot.roundMs / 1000);
    this.logs.set({ state: 'ok' }, snapshot.total.ok);
    this.logs.set({ state: 'stale' }, snapshot.total.stale);
    this.logs.set({ state: 'failed' }, snapshot.total.failed);
  }

  /** pvlook's own verdict (core/peers.ts), exported as it is shown: an unknown ratio stays absent. */
  private setPeers(row: Row): void {
    if (row.peer === undefined) return;
    if (row.peer.ratio !== null) this.peerRatio.set(logLabels(row), row.peer.ratio);
    this.peerOdd.set(logLabels(row), row.peer.odd ? 1 : 0);
    for (const count of row.patterns ?? []) {
      if (count.peer === undefined) continue;
      const labels = { ...logLabels(row), pattern: count.name };
      if (count.peer.ratio !== null) this.patternPeerRatio.set(labels, count.peer.ratio);
      this.patternPeerOdd.set(labels, count.peer.odd ? 1 : 0);
    }
  }

  text(): Promise<string> {
    return this.registry.metrics();
  }
}

function logLabels(row: Row): LogLabels {
  return { host: row.host, group: row.group, log: row.log };
}

const keyOf = (labels: object) => JSON.stringify(labels);

/**
 * The counters after one snapshot: each log's running count as the sampler
 * keeps it (Row.counted: every line counted once, however often or seldom
 * snapshots are taken); a stale host's series without a count this time
 * stay as they were; every other series is dropped (a failing host's, a log
 * no longer watched or matched).
 */
function nextCounts<L extends LogLabels>(
  previous: ReadonlyMap<string, { labels: L; value: number }>,
  rows: readonly Row[],
  staleHosts: ReadonlySet<string>,
  countsOf: (counted: Counted, row: Row) => { labels: L; value: number }[],
): Map<string, { labels: L; value: number }> {
  const next = new Map<string, { labels: L; value: number }>();
  for (const [key, entry] of previous) if (staleHosts.has(entry.labels.host)) next.set(key, entry);
  for (const row of rows) {
    if ((row.status !== 'ok' && row.status !== 'stale') || row.counted === undefined) continue;
    for (const entry of countsOf(row.counted, row)) next.set(keyOf(entry.labels), entry);
  }
  return next;
}
