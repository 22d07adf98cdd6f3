import type { Queryable } from '@bookflow/pg';

/**
 * A lease that ran out means its worker died or hung. The attempt stays counted (it may have
 * crashed the process), and the job is due at once.
 */
const SQL = `
UPDATE bookflow_receiver_jobs
SET status = 'queued', run_at = $1, locked_by = NULL, locked_until = NULL,
    last_error = COALESCE(last_error, 'lease expired')
WHERE status = 'running' AND locked_until < $1
RETURNING event_id`;

export async function reapExpiredLeases(db: Queryable, now: Date): Promise<number> {
  const { rows } = await db.query(SQL, [now]);
  return rows.length;
}
