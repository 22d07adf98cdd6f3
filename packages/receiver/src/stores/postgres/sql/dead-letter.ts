import type { Queryable } from '@bookflow/pg';

const SQL = `
UPDATE bookflow_receiver_jobs
SET status = 'dead', dead_at = $3, last_error = $4, locked_by = NULL, locked_until = NULL
WHERE event_id = $1 AND locked_by = $2 AND status = 'running'
RETURNING event_id`;

export async function deadLetterJob(
  db: Queryable,
  eventId: string,
  workerId: string,
  at: Date,
  error: string,
) {
  const { rows } = await db.query(SQL, [eventId, workerId, at, error]);
  return rows.length === 1;
}
