import type { Results } from '@electric-sql/pglite';

/**
 * node-postgres's rowCount is the count in the command tag: rows returned by a SELECT, rows
 * changed by an INSERT, UPDATE or DELETE (with or without RETURNING). PGlite reports that tag
 * count as rowCount; affectedRows (cumulative, 0 for a SELECT) is only the fallback.
 */
export function rowCountOf(result: Results<unknown>): number {
  if (result.rowCount !== undefined) return result.rowCount;
  return result.fields.length > 0 ? result.rows.length : (result.affectedRows ?? 0);
}
