import type { Browser } from 'playwright-core';
import type { Dashboard } from '../grafana/src/panels.ts';
import { concreteQuery } from '../test/support/promql.ts';

export interface Graph {
  row: string;
  title: string;
  expr: string;
  png: Buffer;
}

/**
 * Prometheus' classic /graph page sorts its g0…gN URL parameters as text, so ten or more graphs on
 * one page get mixed up (g10 sorts before g2): each dashboard row (fewer than ten queries) gets a
 * page of its own.
 */
const MAX_GRAPHS_PER_PAGE = 9;

/** Hides the page's controls so each graph's picture is the chart and its legend. */
const CHART_ONLY_CSS = '.graph_container .prometheus_input_group { display: none !important; }';

/** One picture per query of the dashboard, drawn by Prometheus' graph page over the last `minutes`. */
export async function renderDashboard(
  browser: Browser,
  prometheusUrl: string,
  dashboard: Dashboard,
  minutes: number,
): Promise<Graph[]> {
  const graphs: Graph[] = [];
  for (const row of dashboard.rows) {
    const queries = row.panels.flatMap((panel) =>
      // A 1-minute rate: the scrape interval here is 2 s and the run lasts minutes, not hours.
      panel.queries.map((q) => ({
        title: panel.title,
        legend: q.legend,
        expr: concreteQuery(q.expr).replaceAll('[5m]', '[1m]'),
      })),
    );
    if (queries.length > MAX_GRAPHS_PER_PAGE)
      throw new Error(`row ${row.title} has more than ${MAX_GRAPHS_PER_PAGE} queries`);
    const params = new URLSearchParams();
    queries.forEach((q, i) => {
      params.set(`g${i}.expr`, q.expr);
      params.set(`g${i}.tab`, '0');
      params.set(`g${i}.range_input`, `${minutes}m`);
    });
    const page = await browser.newPage({ viewport: { width: 760, height: 900 } });
    await page.goto(`${prometheusUrl}/classic/graph?${params}`, { waitUntil: 'networkidle' });
    await page.addStyleTag({ content: CHART_ONLY_CSS });
    await page.waitForTimeout(1_500);
    const charts = page.locator('.graph_wrapper .graph_container');
    for (let i = 0; i < queries.length; i++) {
      const q = queries[i]!;
      const title =
        q.legend && queries.filter((o) => o.title === q.title).length > 1
          ? `${q.title} (${legendName(q.legend)})`
          : q.title;
      graphs.push({ row: row.title, title, expr: q.expr, png: await charts.nth(i).screenshot() });
    }
    await page.close();
  }
  return graphs;
}

/** "p95", "dead-lettered", "{{type}} usual" → "type usual": a short name for a query of a panel. */
function legendName(legend: string): string {
  return legend.replace(/\{\{(\w+)\}\}/g, '$1').trim();
}

const html = (s: string) => s.replace(/[&<>"]/g, (c) => `&#${c.charCodeAt(0)};`);

/** One page holding every graph of a dashboard in a grid under its row's title, like the dashboard. */
export function composedPage(title: string, graphs: Graph[]): string {
  const rows = [...new Set(graphs.map((g) => g.row))];
  const cells = (row: string) =>
    graphs
      .filter((g) => g.row === row)
      .map(
        (g) => `<figure><figcaption>${html(g.title)}</figcaption>
          <img src="data:image/png;base64,${g.png.toString('base64')}"><code>${html(g.expr)}</code></figure>`,
      )
      .join('');
  return `<!doctype html><html><head><style>
    body { font: 14px system-ui, sans-serif; margin: 16px; background: #f4f5f5; color: #222; width: 1560px; }
    h1 { font-size: 20px; margin: 0 0 4px; } p { margin: 0 0 12px; color: #555; }
    h2 { font-size: 16px; margin: 18px 0 8px; border-bottom: 1px solid #ccc; }
    .grid { display: grid; grid-template-columns: repeat(3, 1fr); gap: 12px; }
    figure { margin: 0; background: #fff; border: 1px solid #ddd; padding: 8px; }
    figcaption { font-weight: 600; margin-bottom: 4px; }
    img { width: 100%; } code { display: block; font-size: 10px; color: #666; word-break: break-all; }
  </style></head><body>
    <h1>${html(title)}</h1>
    <p>Prometheus' own graphs of this Grafana dashboard's queries (one per query), on simulator traffic.
    Grafana could not be installed on the machine that made this picture.</p>
    ${rows.map((r) => `<h2>${html(r)}</h2><div class="grid">${cells(r)}</div>`).join('')}
  </body></html>`;
}
