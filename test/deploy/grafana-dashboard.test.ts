/**
 * deploy/grafana: the dashboard imports into any Grafana with a Prometheus
 * data source (every query goes through the datasource variable), its panels
 * lay out without overlap, and it shows what an operator looks for. Its
 * queries run against a real Prometheus in scale-out.integration.test.ts.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { repoRoot } from '../helpers/pvlook-command.js';
import { dashboardQueries } from '../helpers/dashboard.js';

interface Datasource {
  type: string;
  uid: string;
}
interface Panel {
  id: number;
  title: string;
  type: string;
  datasource: Datasource;
  gridPos: { x: number; y: number; w: number; h: number };
  targets: { refId: string; expr: string; datasource: Datasource }[];
}
interface Dashboard {
  id?: unknown;
  uid: string;
  title: string;
  schemaVersion: number;
  templating: { list: { name: string; type: string; query: unknown; datasource?: Datasource }[] };
  annotations: { list: { datasource: Datasource; expr: string }[] };
  panels: Panel[];
}

const dashboard = JSON.parse(readFileSync(path.join(repoRoot, 'deploy/grafana/pvlook-dashboard.json'), 'utf8')) as Dashboard;
const viaVariable = { type: 'prometheus', uid: '${datasource}' };

test('a datasource variable, and every panel, query, variable and annotation goes through it', () => {
  assert.equal(dashboard.id, undefined, 'no instance id: imports as a new dashboard');
  assert.ok(dashboard.uid && dashboard.title && dashboard.schemaVersion >= 36);
  const variable = dashboard.templating.list.find((v) => v.name === 'datasource');
  assert.deepEqual([variable?.type, variable?.query], ['datasource', 'prometheus']);
  for (const panel of dashboard.panels) {
    assert.deepEqual(panel.datasource, viaVariable, panel.title);
    for (const target of panel.targets) assert.deepEqual(target.datasource, viaVariable, `${panel.title} ${target.refId}`);
  }
  for (const other of dashboard.templating.list.filter((v) => v.type === 'query')) assert.deepEqual(other.datasource, viaVariable, other.name);
  for (const annotation of dashboard.annotations.list) assert.deepEqual(annotation.datasource, viaVariable);
});

test('panels have unique ids and lay out on the 24-column grid without overlapping', () => {
  assert.equal(new Set(dashboard.panels.map((p) => p.id)).size, dashboard.panels.length);
  const cells = new Set<string>();
  for (const { title, gridPos } of dashboard.panels) {
    assert.ok(gridPos.x >= 0 && gridPos.w > 0 && gridPos.x + gridPos.w <= 24 && gridPos.h > 0, title);
    for (let x = gridPos.x; x < gridPos.x + gridPos.w; x++) {
      for (let y = gridPos.y; y < gridPos.y + gridPos.h; y++) {
        assert.ok(!cells.has(`${x},${y}`), `${title} overlaps another panel at ${x},${y}`);
        cells.add(`${x},${y}`);
      }
    }
  }
});

test('it shows the fleet total, each group, the lowest and highest hosts, hosts down and error shares', () => {
  const exprs = dashboardQueries(dashboard).map((q) => q.expr);
  for (const wanted of [
    /^fleet:pvlook_log_lines:rate1m$/,
    /^group:pvlook_log_lines:rate1m\{group=~"\$group"\}$/,
    /^bottomk\(5, host:pvlook_log_lines:rate1m/,
    /^topk\(5, host:pvlook_log_lines:rate1m/,
    /^fleet:pvlook_hosts_down:count$/,
    /^pvlook_host_up == 0$/,
    /^group:pvlook_log_error_lines:ratio_rate5m/,
  ]) {
    assert.ok(exprs.some((expr) => wanted.test(expr)), `a query like ${wanted}`);
  }
});
