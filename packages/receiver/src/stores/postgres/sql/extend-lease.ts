import type { Queryable } from '@bookflow/pg';

const SQL = `
UPDATE bookflow_receiver_jobs SET locked_until = $3
WHERE event_id = $1 AND locked_by = $2 AND status = 'running'
RETURNING event_id`;

export async function extendLease(db: Queryable, eventId: string, workerId: string, until: Date) {
  const { rows } = await db.query(SQL, [eventId, workerId, until]);
  return rows.length === 1;
}
