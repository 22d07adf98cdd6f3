import type { Queryable } from '@bookflow/pg';
import type { LedgerEntry } from '../../../ledger/ledger.ts';

const SQL = 'SELECT result FROM bookflow_receiver_ledger WHERE event_id = $1 AND step_key = $2';

export async function getLedgerEntry(
  db: Queryable,
  eventId: string,
  stepKey: string,
): Promise<LedgerEntry | undefined> {
  const { rows } = await db.query<{ result: unknown }>(SQL, [eventId, stepKey]);
  return rows[0] ? { value: rows[0].result } : undefined;
}
