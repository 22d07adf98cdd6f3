import { quoteIdentifier } from '@bookflow/pg';
import type { WarehouseSession } from '../../warehouse/warehouse.ts';
import type { SchemaTest } from './project.ts';

export interface SchemaTestResult {
  name: string;
  failures: number;
}

function literal(value: string | number, quote: boolean): string {
  if (!quote) {
    if (typeof value === 'number' || /^-?\d+(\.\d+)?$/.test(value)) return String(value);
    throw new Error(`accepted_values with quote: false needs numbers, got ${value}`);
  }
  return `'${String(value).replaceAll("'", "''")}'`;
}

/** The query dbt runs for each generic test: it returns the offending rows, so 0 rows is a pass. */
export function schemaTestSql(spec: SchemaTest): string {
  const relation = quoteIdentifier(spec.relation);
  const column = quoteIdentifier(spec.column);
  switch (spec.test.kind) {
    case 'unique':
      return `SELECT ${column} FROM ${relation} WHERE ${column} IS NOT NULL GROUP BY ${column} HAVING count(*) > 1`;
    case 'not_null':
      return `SELECT ${column} FROM ${relation} WHERE ${column} IS NULL`;
    case 'accepted_values':
      return `SELECT ${column} FROM ${relation} WHERE ${column} NOT IN (${spec.test.values.map((v) => literal(v, spec.test.kind === 'accepted_values' && spec.test.quote)).join(', ')})`;
  }
}

export function schemaTestName(spec: SchemaTest): string {
  return `${spec.test.kind}_${spec.relation}_${spec.column}`;
}

export async function runSchemaTests(
  tx: WarehouseSession,
  tests: readonly SchemaTest[],
): Promise<SchemaTestResult[]> {
  const results: SchemaTestResult[] = [];
  for (const spec of tests) {
    const rows = await tx.query<{ failures: number }>(
      `SELECT CAST(count(*) AS integer) AS failures FROM (${schemaTestSql(spec)}) AS offending`,
    );
    results.push({ name: schemaTestName(spec), failures: Number(rows[0]?.failures ?? 0) });
  }
  return results;
}
