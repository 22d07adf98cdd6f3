import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { WarehouseSession } from '../../warehouse/warehouse.ts';
import {
  FUNNEL_FIELDS,
  type FunnelQuery,
  type FunnelRow,
  GROUP_COLUMNS,
  queryFunnel,
} from '../funnel/funnel.ts';

/** Chart.js's own UMD bundle, inlined so the report opens anywhere without a network. */
function chartJsBundle(): string {
  const main = createRequire(import.meta.url).resolve('chart.js');
  return readFileSync(join(dirname(main), 'chart.umd.min.js'), 'utf8');
}

const escapeHtml = (value: string) =>
  value.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;').replaceAll('"', '&quot;');

/** JSON inside a <script>: `<` escaped so no value can close the element. */
const scriptJson = (value: unknown) => JSON.stringify(value).replaceAll('<', '\\u003c');

function cell(column: string, value: unknown): string {
  if (value === null || value === undefined) return '–';
  if (column.endsWith('_rate')) return `${((value as number) * 100).toFixed(1)}%`;
  if (column === 'spend_usd' || column === 'cost_per_meeting') return `$${(value as number).toFixed(2)}`;
  return escapeHtml(String(value));
}

function table(rows: readonly FunnelRow[], query: FunnelQuery): string {
  const columns = [...GROUP_COLUMNS.filter((c) => query.by.includes(c)), ...FUNNEL_FIELDS];
  const head = columns.map((c) => `<th>${c}</th>`).join('');
  const body = rows
    .map(
      (row) =>
        `<tr>${columns.map((c) => `<td>${cell(c, (row as unknown as Record<string, unknown>)[c])}</td>`).join('')}</tr>`,
    )
    .join('\n');
  return `<table><thead><tr>${head}</tr></thead><tbody>${body}</tbody></table>`;
}

const CHARTS = `
const data = JSON.parse(document.getElementById('funnel-data').textContent);
const rates = [['connect_rate', 'Connect rate', '#2563eb'], ['book_rate', 'Book rate', '#16a34a'], ['show_rate', 'Show rate', '#d97706']];
const percent = { callback: (v) => Math.round(v * 100) + '%' };
new Chart(document.getElementById('by-source'), {
  type: 'bar',
  data: {
    labels: data.bySource.map((r) => r.source ?? '(unknown)'),
    datasets: rates.map(([key, label, color]) => ({ label, backgroundColor: color, data: data.bySource.map((r) => r[key]) })),
  },
  options: { scales: { y: { min: 0, max: 1, ticks: percent } } },
});
new Chart(document.getElementById('over-time'), {
  type: 'line',
  data: {
    labels: data.byDay.map((r) => r.day),
    datasets: rates.map(([key, label, color]) => ({ label, borderColor: color, backgroundColor: color, spanGaps: true, data: data.byDay.map((r) => r[key]) })),
  },
  options: { scales: { y: { min: 0, max: 1, ticks: percent } } },
});`;

/**
 * A self-contained HTML page: the funnel table as asked, and two Chart.js charts (the three rates
 * by source, and by day). The models are already built when this runs.
 */
export async function renderHtmlReport(
  db: Pick<WarehouseSession, 'query'>,
  rows: readonly FunnelRow[],
  query: FunnelQuery,
): Promise<string> {
  const window = { from: query.from, to: query.to };
  const bySource = await queryFunnel(db, { ...window, by: ['source'] });
  const byDay = await queryFunnel(db, { ...window, by: ['day'] });
  const period =
    query.from || query.to ? `${query.from ?? 'the start'} to ${query.to ?? 'today'}` : 'all dials';
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>BookFlow funnel</title>
<style>
  body { font-family: system-ui, sans-serif; margin: 2rem; color: #111827; }
  .charts { display: grid; grid-template-columns: repeat(auto-fit, minmax(420px, 1fr)); gap: 2rem; }
  table { border-collapse: collapse; margin-top: 2rem; font-size: 0.9rem; }
  th, td { border-bottom: 1px solid #e5e7eb; padding: 0.3rem 0.6rem; text-align: right; white-space: nowrap; }
  th:first-child, td:first-child { text-align: left; }
</style>
</head>
<body>
<h1>Connect, book and show rates</h1>
<p>Dials: ${escapeHtml(period)}. Connect rate = connects / dials, book rate = meetings booked / connects, show rate = held / (held + no-show).</p>
<div class="charts">
  <figure><figcaption>By source</figcaption><canvas id="by-source"></canvas></figure>
  <figure><figcaption>By day (UTC)</figcaption><canvas id="over-time"></canvas></figure>
</div>
${table(rows, query)}
<script id="funnel-data" type="application/json">${scriptJson({ bySource, byDay })}</script>
<script>${chartJsBundle()}</script>
<script>${CHARTS}</script>
</body>
</html>
`;
}
