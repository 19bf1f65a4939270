/**
 * The PromQL queries of a Grafana dashboard (panel targets and annotations),
 * each with the labels its legend shows ({{host}} and the like).
 */
export interface DashboardQuery {
  title: string;
  expr: string;
  legendLabels: string[];
}

interface Target {
  expr?: string;
  legendFormat?: string;
}
interface Panel {
  title?: string;
  targets?: Target[];
  panels?: Panel[];
}
interface Dashboard {
  panels?: Panel[];
  annotations?: { list?: { name?: string; expr?: string; titleFormat?: string; textFormat?: string }[] };
}

const labelsIn = (format: string | undefined) => [...(format ?? '').matchAll(/\{\{\s*([a-zA-Z_][a-zA-Z0-9_]*)\s*\}\}/g)].map((m) => m[1]!);

export function dashboardQueries(json: unknown): DashboardQuery[] {
  const dashboard = json as Dashboard;
  const panels = (list: readonly Panel[]): Panel[] => list.flatMap((panel) => [panel, ...panels(panel.panels ?? [])]);
  const queries: DashboardQuery[] = panels(dashboard.panels ?? []).flatMap((panel) =>
    (panel.targets ?? []).map((target) => ({ title: panel.title ?? '(untitled)', expr: target.expr ?? '', legendLabels: labelsIn(target.legendFormat) })),
  );
  for (const annotation of dashboard.annotations?.list ?? []) {
    // An annotation's text may name labels only some of its alerts have: only its title is required.
    if (annotation.expr !== undefined) queries.push({ title: `annotation ${annotation.name ?? ''}`, expr: annotation.expr, legendLabels: labelsIn(annotation.titleFormat) });
  }
  return queries;
}
