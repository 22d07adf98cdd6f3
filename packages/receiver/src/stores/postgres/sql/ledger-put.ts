import type { Queryable } from '@bookflow/pg';

/** First write wins: if two runs of one event raced, the ledger keeps the result that landed first. */
const SQL = `
INSERT INTO bookflow_receiver_ledger (event_id, step_key, result, completed_at)
VALUES ($1, $2, $3::jsonb, $4)
ON CONFLICT (event_id, step_key) DO NOTHING`;

export async function putLedgerEntry(
  db: Queryable,
  eventId: string,
  stepKey: string,
  value: unknown,
  now: Date,
) {
  await db.query(SQL, [eventId, stepKey, JSON.stringify(value ?? null), now]);
}
