import { readFileSync } from 'node:fs';
import { quoteIdentifier } from '@bookflow/pg';
import { parse as parseCsv } from 'csv-parse/sync';
import type { WarehouseSession } from '../../warehouse/warehouse.ts';
import { ProjectError, type SeedFile } from './project.ts';

const NUMERIC = /^(double precision|numeric|decimal|integer|bigint|real|float|double)/i;

/** Reads a seed's CSV; a file without its header's columns says which are missing. */
export function readSeedRows(path: string, required: readonly string[] = []): Record<string, string>[] {
  let rows: Record<string, string>[];
  try {
    rows = parseCsv(readFileSync(path, 'utf8'), { columns: true, skip_empty_lines: true, trim: true });
  } catch (error) {
    throw new ProjectError(`${path}: ${(error as Error).message}`);
  }
  const header = rows[0] ? Object.keys(rows[0]) : required;
  const missing = required.filter((column) => !header.includes(column));
  if (missing.length > 0)
    throw new ProjectError(`${path} has no column ${missing.join(', ')} (header: ${required.join(',')})`);
  return rows;
}

/**
 * Creates the seed's table from its CSV, with the column types dbt_project.yml gives (text
 * otherwise). An empty cell is NULL; a number column's cell that is not a number is refused.
 */
export async function loadSeed(tx: WarehouseSession, seed: SeedFile, csvPath = seed.path): Promise<number> {
  const columns = Object.keys(seed.columnTypes);
  const rows = readSeedRows(csvPath, columns);
  const names = columns.length > 0 ? columns : Object.keys(rows[0] ?? {});
  const types = names.map((name) => seed.columnTypes[name] ?? 'varchar');
  for (const type of types)
    if (!/^[a-z ]+(\(\d+(,\s*\d+)?\))?$/i.test(type))
      throw new ProjectError(`seed ${seed.name}: bad column type ${type}`);
  const table = quoteIdentifier(seed.name);
  await tx.exec(
    `CREATE TABLE ${table} (${names.map((n, i) => `${quoteIdentifier(n)} ${types[i]}`).join(', ')})`,
  );
  const placeholders = names.map((_, i) => `CAST($${i + 1} AS ${types[i]})`).join(', ');
  for (const [index, row] of rows.entries()) {
    const values = names.map((name, i) => {
      const cell = row[name] ?? '';
      if (cell === '') return null;
      if (NUMERIC.test(types[i]!) && !Number.isFinite(Number(cell))) {
        throw new ProjectError(
          `${csvPath} line ${index + 2}: ${name} must be a number, not ${JSON.stringify(cell)}`,
        );
      }
      return cell;
    });
    await tx.query(`INSERT INTO ${table} VALUES (${placeholders})`, values);
  }
  return rows.length;
}
