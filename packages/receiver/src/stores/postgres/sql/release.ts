import type { Queryable } from '@bookflow/pg';

/** Shutdown gave the job back before its handler finished: that attempt does not count. */
const SQL = `
UPDATE bookflow_receiver_jobs
SET status = 'queued', run_at = $3, attempts = GREATEST(attempts - 1, 0), locked_by = NULL, locked_until = NULL
WHERE event_id = $1 AND locked_by = $2 AND status = 'running'
RETURNING event_id`;

export async function releaseJob(db: Queryable, eventId: string, workerId: string, now: Date) {
  const { rows } = await db.query(SQL, [eventId, workerId, now]);
  return rows.length === 1;
}
