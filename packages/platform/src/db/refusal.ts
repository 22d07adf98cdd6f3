// Whether the database refused a row for its content is decided in @bookflow/pg (shared with the
// receiver kit); how such a refusal is described for storage is the platform's.
export { isRowRefusal } from '@bookflow/pg';

/** A one-line description of a refusal that is safe to store: no NUL, bounded. */
export function refusalText(err: unknown): string {
  const e = err as { code?: unknown; message?: unknown } | null;
  const message = typeof e?.message === 'string' ? e.message : String(err);
  const code = typeof e?.code === 'string' ? ` (SQLSTATE ${e.code})` : '';
  return `${message}${code}`.replace(/[^\x20-\x7e]/g, '?').slice(0, 300);
}
