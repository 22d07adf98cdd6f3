import type { Queryable } from '@bookflow/pg';

/** A replay gets a fresh attempt budget; its ledger entries stay, so completed steps are skipped. */
const SQL = `
UPDATE bookflow_receiver_jobs
SET status = 'queued', run_at = $2, attempts = 0, dead_at = NULL
WHERE event_id = $1 AND status = 'dead'
RETURNING event_id, pg_notify('bookflow_receiver_jobs', '')`;

export async function replayDeadLetter(db: Queryable, eventId: string, now: Date): Promise<boolean> {
  const { rows } = await db.query(SQL, [eventId, now]);
  return rows.length === 1;
}
