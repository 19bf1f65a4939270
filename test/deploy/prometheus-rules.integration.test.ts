/**
 * deploy/prometheus: promtool accepts the scrape config and the rules, the
 * rules pass their unit tests (and those tests fail when a rule changes), and
 * every metric the rules and the dashboard name is one pvlook exports or a
 * rule records.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import YAML from 'yaml';
import { FleetMetrics } from '../../src/export/fleet-metrics.js';
import { repoRoot } from '../helpers/pvlook-command.js';
import { dashboardQueries } from '../helpers/dashboard.js';

const folder = path.join(repoRoot, 'deploy/prometheus');

function promtool(args: string[], cwd = folder): { status: number | null; output: string } {
  const result = spawnSync('promtool', args, { cwd, encoding: 'utf8' });
  if (result.error) throw new Error(`promtool is needed for this test (Debian: apt-get install prometheus): ${result.error.message}`);
  return { status: result.status, output: `${result.stdout}${result.stderr}` };
}

interface Rule {
  record?: string;
  alert?: string;
  expr: string;
  for?: string;
}
const rulesFile = YAML.parse(readFileSync(path.join(folder, 'pvlook-rules.yml'), 'utf8')) as { groups: { rules: Rule[] }[] };
const rules = rulesFile.groups.flatMap((group) => group.rules);

test('promtool check config and check rules accept deploy/prometheus', () => {
  // promtool checks that the token file exists: the config as deployed, with the token where this test keeps it.
  const dir = mkdtempSync(path.join(os.tmpdir(), 'pvlook-promconfig-'));
  const token = path.join(dir, 'pvlook.token');
  writeFileSync(token, 'a-token-of-sixteen-or-more\n');
  const deployed = readFileSync(path.join(folder, 'prometheus.yml'), 'utf8');
  assert.match(deployed, /credentials_file: \/etc\/prometheus\/pvlook\.token/);
  writeFileSync(path.join(dir, 'prometheus.yml'), deployed.replace('/etc/prometheus/pvlook.token', token));
  copyFileSync(path.join(folder, 'pvlook-rules.yml'), path.join(dir, 'pvlook-rules.yml'));
  const config = promtool(['check', 'config', 'prometheus.yml'], dir);
  rmSync(dir, { recursive: true, force: true });
  assert.equal(config.status, 0, config.output);
  assert.match(config.output, /SUCCESS: 1 rule files found/);
  const checked = promtool(['check', 'rules', 'pvlook-rules.yml']);
  assert.equal(checked.status, 0, checked.output);
  assert.match(checked.output, new RegExp(`SUCCESS: ${rules.length} rules found`));
});

test('the rules pass their promtool unit tests, which cover every alert', () => {
  const result = promtool(['test', 'rules', 'pvlook-rules.test.yml']);
  assert.equal(result.status, 0, result.output);
  assert.match(result.output, /SUCCESS/);
  const tests = YAML.parse(readFileSync(path.join(folder, 'pvlook-rules.test.yml'), 'utf8')) as {
    tests: { alert_rule_test?: { alertname: string; exp_alerts: unknown[] }[]; promql_expr_test?: { expr: string }[] }[];
  };
  const fired = new Set(tests.tests.flatMap((t) => (t.alert_rule_test ?? []).filter((a) => a.exp_alerts.length > 0).map((a) => a.alertname)));
  const tested = new Set(tests.tests.flatMap((t) => (t.promql_expr_test ?? []).map((e) => e.expr.replace(/\{.*$/, ''))));
  for (const rule of rules) {
    if (rule.alert !== undefined) assert.ok(fired.has(rule.alert), `a unit test in which ${rule.alert} fires`);
    if (rule.record !== undefined) assert.ok(tested.has(rule.record), `a unit test of ${rule.record}`);
  }
});

test('the unit tests notice a changed rule', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'pvlook-rules-'));
  try {
    copyFileSync(path.join(folder, 'pvlook-rules.test.yml'), path.join(dir, 'pvlook-rules.test.yml'));
    const mutations: [string, (text: string) => string][] = [
      ['a longer wait before a host is down', (text) => text.replace(/(expr: pvlook_host_up == 0\n\s+for: )2m/, '$110m')],
      ['the error share over all patterns', (text) => text.replace('{pattern="errors"}', '')],
      ['the fleet total without one group', (text) => text.replace('expr: sum(rate(pvlook_log_lines_total[1m]))', 'expr: sum(rate(pvlook_log_lines_total{group!="api"}[1m]))')],
    ];
    const original = readFileSync(path.join(folder, 'pvlook-rules.yml'), 'utf8');
    for (const [what, mutate] of mutations) {
      const changed = mutate(original);
      assert.notEqual(changed, original, `${what}: the mutation applies`);
      writeFileSync(path.join(dir, 'pvlook-rules.yml'), changed);
      const result = promtool(['test', 'rules', 'pvlook-rules.test.yml'], dir);
      assert.notEqual(result.status, 0, `${what} went unnoticed`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

/** Metric names in a PromQL expression: pvlook's own series and recorded ones (level:metric:operation). */
function metricNames(expr: string): string[] {
  return [...expr.matchAll(/\b([a-z_]+:)?pvlook_[a-z_]+(:[a-z0-9_]+)?\b/g)].map((m) => m[0]);
}

test('every metric the rules and the dashboard name is exported by pvlook or recorded by a rule', async () => {
  const exported = new Set((await new FleetMetrics().registry.getMetricsAsJSON()).map((m) => m.name));
  const recorded = new Set(rules.flatMap((rule) => (rule.record !== undefined ? [rule.record] : [])));
  const dashboard = JSON.parse(readFileSync(path.join(repoRoot, 'deploy/grafana/pvlook-dashboard.json'), 'utf8')) as unknown;
  const expressions = [...rules.map((rule) => rule.expr), ...dashboardQueries(dashboard).map((q) => q.expr)];
  const named = expressions.flatMap(metricNames);
  assert.ok(named.length > 10);
  for (const name of named) assert.ok(exported.has(name) || recorded.has(name), `${name} is neither exported nor recorded`);
  // Labels the rules group by are labels pvlook's series carry.
  for (const rule of rules) {
    for (const by of rule.expr.matchAll(/\bby \(([^)]*)\)/g)) {
      for (const label of by[1]!.split(',').map((l) => l.trim())) assert.ok(['host', 'group', 'log', 'pattern', 'instance', 'shard'].includes(label), `${rule.record ?? rule.alert}: by ${label}`);
    }
  }
});
