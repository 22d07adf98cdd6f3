// Every benchmark returns its figures as a table; index.ts prints them as Markdown (readable in a
// terminal, pasted as is into RESULTS.md).

export interface Table {
  title: string;
  headers: string[];
  rows: string[][];
  /** Lines printed under the table: what was measured, caveats. */
  notes?: string[];
}

/** 12345.6 -> "12,346"; small values keep significant digits. */
export function num(value: number, digits = 0): string {
  if (!Number.isFinite(value)) return 'n/a';
  return value.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
}

export function ms(value: number): string {
  if (!Number.isFinite(value)) return 'n/a';
  return `${value < 10 ? value.toFixed(2) : value.toFixed(1)} ms`;
}

/** `value / baseline` as "0.42×"; "n/a" when either is missing. */
export function ratio(value: number | undefined, baseline: number | undefined): string {
  if (value === undefined || baseline === undefined || !Number.isFinite(value) || !Number.isFinite(baseline))
    return 'n/a';
  if (baseline === 0) return 'n/a';
  const r = value / baseline;
  return `${r < 0.1 ? r.toFixed(3) : r.toFixed(2)}×`;
}

export function renderTable(table: Table): string {
  const widths = table.headers.map((h, i) =>
    Math.max(h.length, ...table.rows.map((r) => (r[i] ?? '').length)),
  );
  const line = (cells: string[]) =>
    `| ${cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join(' | ')} |`;
  const rule = `|${widths.map((w, i) => (i === 0 ? `${'-'.repeat(w + 1)}-` : `${'-'.repeat(w + 1)}:`)).join('|')}|`;
  const out = [`### ${table.title}`, '', line(table.headers), rule, ...table.rows.map(line)];
  if (table.notes?.length) out.push('', ...table.notes.map((n) => `- ${n}`));
  return `${out.join('\n')}\n`;
}
