import type { Queryable } from '@bookflow/pg';
import type { QueueDepth } from '../../../jobs/job.ts';

const SQL = `
SELECT count(*) FILTER (WHERE status = 'queued')::int AS queued,
       count(*) FILTER (WHERE status = 'running')::int AS running,
       count(*) FILTER (WHERE status = 'dead')::int AS dead
FROM bookflow_receiver_jobs`;

export async function queueDepth(db: Queryable): Promise<QueueDepth> {
  const { rows } = await db.query<QueueDepth>(SQL);
  const row = rows[0];
  return { queued: row?.queued ?? 0, running: row?.running ?? 0, dead: row?.dead ?? 0 };
}
