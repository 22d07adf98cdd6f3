import { FUNNEL_FIELDS, type FunnelRow, GROUP_COLUMNS, type GroupColumn } from './funnel.ts';

export const FORMATS = ['json', 'table', 'csv'] as const;
export type Format = (typeof FORMATS)[number];

function columns(by: readonly GroupColumn[]): string[] {
  return [...GROUP_COLUMNS.filter((c) => by.includes(c)), ...FUNNEL_FIELDS];
}

const RATES = new Set(['connect_rate', 'book_rate', 'show_rate']);

function csvCell(value: unknown): string {
  if (value === null || value === undefined) return '';
  const text = String(value);
  // RFC 4180: quote a cell holding a comma, quote or line break, doubling its quotes.
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

function tableCell(column: string, value: unknown): string {
  if (value === null || value === undefined) return '–';
  if (RATES.has(column)) return `${((value as number) * 100).toFixed(1)}%`;
  if (column === 'spend_usd' || column === 'cost_per_meeting') return (value as number).toFixed(2);
  return String(value);
}

/** JSON (every field in every row, unrounded), an aligned table for people, or CSV. */
export function formatFunnel(rows: readonly FunnelRow[], by: readonly GroupColumn[], format: Format): string {
  const names = columns(by);
  const record = (row: FunnelRow) => names.map((c) => (row as unknown as Record<string, unknown>)[c] ?? null);
  if (format === 'json') {
    return `${JSON.stringify(
      rows.map((row) => Object.fromEntries(names.map((c, i) => [c, record(row)[i]]))),
      null,
      2,
    )}\n`;
  }
  if (format === 'csv') {
    return [names.join(','), ...rows.map((row) => record(row).map(csvCell).join(','))]
      .join('\n')
      .concat('\n');
  }
  const cells = [names, ...rows.map((row) => names.map((c, i) => tableCell(c, record(row)[i])))];
  const widths = names.map((_, i) => Math.max(...cells.map((line) => line[i]!.length)));
  const numeric = (i: number) => !GROUP_COLUMNS.includes(names[i] as GroupColumn);
  const line = (values: string[]) =>
    values
      .map((v, i) => (numeric(i) ? v.padStart(widths[i]!) : v.padEnd(widths[i]!)))
      .join('  ')
      .trimEnd();
  return [line(cells[0]!), widths.map((w) => '-'.repeat(w)).join('  '), ...cells.slice(1).map(line)]
    .join('\n')
    .concat('\n');
}
