// What the PGlite adapter and the PGlite thread do alike: open the database, and run one statement
// with its result as the Db contract has it.
import { mkdirSync } from 'node:fs';
import type { PGlite, Transaction } from '@electric-sql/pglite';
import type { QueryResult } from '../db.ts';
import { rowCountOf } from './row-count.ts';

/** The database persisted under dataDir (the folder is created), or in memory when dataDir is null. */
export function createPgliteDatabase(driver: typeof PGlite, dataDir: string | null): Promise<PGlite> {
  if (dataDir) mkdirSync(dataDir, { recursive: true });
  return dataDir ? driver.create(dataDir) : driver.create();
}

/** One statement on the database or an open transaction. */
export async function runPgliteQuery<R>(
  target: PGlite | Transaction,
  sql: string,
  params?: readonly unknown[],
): Promise<QueryResult<R>> {
  const result = await target.query<R>(sql, params as unknown[] | undefined);
  return { rows: result.rows, rowCount: rowCountOf(result) };
}
