/**
 * A few builders for Grafana dashboard JSON (schema 39), so the two dashboards are described as
 * lists of queries and not as thousands of lines of hand-kept JSON. `npm run observability:dashboards`
 * writes the JSON files; a test checks the committed files are what these produce.
 */

/** Every panel queries the Prometheus data source chosen in the dashboard's `datasource` variable. */
// biome-ignore lint/suspicious/noTemplateCurlyInString: Grafana's variable syntax, not a JS template.
const DATASOURCE = { type: 'prometheus', uid: '${datasource}' };
/** Every selector carries this, so one Grafana can show several installations (jobs). */
export const JOB = 'job=~"$job"';
export const RATE = '$__rate_interval';

export interface Query {
  expr: string;
  legend?: string;
}

export type Unit = 'short' | 's' | 'reqps' | 'percentunit' | 'ops';

export interface PanelSpec {
  title: string;
  description: string;
  queries: Query[];
  unit?: Unit;
  kind?: 'timeseries' | 'stat' | 'table';
  /** A red threshold line (timeseries) or colour step (stat). */
  threshold?: number;
  /** Width in grid columns (24 per row); height is fixed. */
  width?: number;
}

export interface Dashboard {
  uid: string;
  title: string;
  description: string;
  /** A metric every installation of this kind exports, for the `job` variable's values. */
  jobMetric: string;
  rows: Array<{ title: string; panels: PanelSpec[] }>;
}

const HEIGHT = 8;

function panelJson(spec: PanelSpec, id: number, x: number, y: number) {
  const kind = spec.kind ?? 'timeseries';
  const steps: Array<{ color: string; value: number | null }> = [{ color: 'green', value: null }];
  if (spec.threshold !== undefined) steps.push({ color: 'red', value: spec.threshold });
  return {
    id,
    type: kind,
    title: spec.title,
    description: spec.description,
    datasource: DATASOURCE,
    gridPos: { h: HEIGHT, w: spec.width ?? 12, x, y },
    targets: spec.queries.map((q, i) => ({
      datasource: DATASOURCE,
      refId: String.fromCharCode(65 + i),
      expr: q.expr,
      legendFormat: q.legend ?? '__auto',
      ...(kind === 'table' ? { format: 'table', instant: true, range: false } : { range: true }),
    })),
    fieldConfig: {
      defaults: {
        unit: spec.unit ?? 'short',
        thresholds: { mode: 'absolute', steps },
        ...(kind === 'timeseries'
          ? {
              custom: {
                drawStyle: 'line',
                fillOpacity: 10,
                thresholdsStyle: { mode: spec.threshold === undefined ? 'off' : 'line' },
              },
            }
          : {}),
      },
      overrides: [],
    },
    options:
      kind === 'table'
        ? { showHeader: true }
        : {
            legend: { displayMode: 'list', placement: 'bottom', showLegend: true },
            tooltip: { mode: 'multi' },
          },
    // A table of several instant queries is one table: rows merged on their shared labels.
    transformations: kind === 'table' ? [{ id: 'merge', options: {} }] : [],
  };
}

/** The dashboard JSON: importable as is (Dashboards → Import) or provisioned from a folder. */
export function dashboardJson(d: Dashboard) {
  const panels: unknown[] = [];
  let id = 1;
  let y = 0;
  for (const row of d.rows) {
    panels.push({
      id: id++,
      type: 'row',
      title: row.title,
      collapsed: false,
      gridPos: { h: 1, w: 24, x: 0, y },
      panels: [],
    });
    y += 1;
    let x = 0;
    for (const spec of row.panels) {
      const w = spec.width ?? 12;
      if (x + w > 24) {
        x = 0;
        y += HEIGHT;
      }
      panels.push(panelJson(spec, id++, x, y));
      x += w;
    }
    y += HEIGHT;
  }
  return {
    uid: d.uid,
    title: d.title,
    description: d.description,
    tags: ['bookflow'],
    timezone: 'browser',
    editable: true,
    graphTooltip: 1,
    schemaVersion: 39,
    version: 1,
    refresh: '30s',
    time: { from: 'now-6h', to: 'now' },
    templating: {
      list: [
        {
          name: 'datasource',
          label: 'Prometheus',
          type: 'datasource',
          query: 'prometheus',
          current: {},
          hide: 0,
        },
        {
          name: 'job',
          label: 'Job',
          type: 'query',
          datasource: DATASOURCE,
          query: { query: `label_values(${d.jobMetric}, job)`, refId: 'job' },
          definition: `label_values(${d.jobMetric}, job)`,
          refresh: 2,
          includeAll: true,
          multi: true,
          allValue: '.+',
          current: { text: 'All', value: '$__all' },
          hide: 0,
        },
      ],
    },
    annotations: { list: [] },
    panels,
  };
}

/** `histogram_quantile` for p50, p95 and p99 of a histogram, one legend entry each. */
export function quantiles(histogram: string, matchers: string, by = ''): Query[] {
  const group = by ? `${by}, le` : 'le';
  return [0.5, 0.95, 0.99].map((q) => ({
    expr: `histogram_quantile(${q}, sum by (${group}) (rate(${histogram}_bucket{${matchers}}[${RATE}])))`,
    legend: `p${Math.round(q * 100)}${by ? ` {{${by}}}` : ''}`,
  }));
}
