import type { Queryable } from '@bookflow/pg';

/** The job row goes; the dedupe row stays until it expires, so a late duplicate is still caught. */
const SQL = `
DELETE FROM bookflow_receiver_jobs
WHERE event_id = $1 AND locked_by = $2 AND status = 'running'
RETURNING event_id`;

export async function completeJob(db: Queryable, eventId: string, workerId: string) {
  const { rows } = await db.query(SQL, [eventId, workerId]);
  return rows.length === 1;
}
