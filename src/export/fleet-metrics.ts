/**
 * The fleet as Prometheus metrics, with prom-client: one registry updated from
 * each snapshot, exposed over HTTP (--listen) or written for node_exporter's
 * textfile collector (--textfile).
 */
import { Counter, Gauge, Registry } from 'prom-client';
import type { Snapshot } from '../core/snapshot.js';

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
    help: 'Time the last tick took to sample every host (or to reach its deadline).',
    registers: [this.registry],
  });
  private readonly hosts = new Gauge({
    name: 'pvlook_logs',
    help: 'Watched logs by state of their last sample.',
    labelNames: ['state'],
    registers: [this.registry],
  });

  update(snapshot: Snapshot): void {
    const up = new Map<string, boolean>();
    for (const row of snapshot.rows) {
      const labels = { host: row.host, group: row.group, log: row.log };
      if (row.lines !== null) this.lines.inc(labels, row.lines);
      else this.lines.inc(labels, 0);
      // An unknown rate is left out rather than exported as a number that is not true.
      if (row.rate !== null) this.rate.set(labels, row.rate);
      else this.rate.remove(labels);
      for (const count of row.patterns ?? []) {
        this.patternLines.inc({ ...labels, pattern: count.name }, count.lines);
        this.patternRate.set({ ...labels, pattern: count.name }, count.rate);
      }
      up.set(row.host, (up.get(row.host) ?? true) && row.status === 'ok');
      if (row.age !== null) this.age.set({ host: row.host }, row.age);
    }
    for (const [host, ok] of up) this.up.set({ host }, ok ? 1 : 0);
    this.round.set(snapshot.roundMs / 1000);
    this.hosts.set({ state: 'ok' }, snapshot.total.ok);
    this.hosts.set({ state: 'stale' }, snapshot.total.stale);
    this.hosts.set({ state: 'failed' }, snapshot.total.failed);
  }

  text(): Promise<string> {
    return this.registry.metrics();
  }
}
