import type { Queryable } from '@bookflow/pg';
import type { DeadLetter } from '../../../jobs/job.ts';
import { JOB_COLUMNS, type JobRow, toDeadLetter } from './job-row.ts';

const SQL = `
SELECT ${JOB_COLUMNS} FROM bookflow_receiver_jobs
WHERE status = 'dead'
ORDER BY dead_at, event_id
LIMIT $1`;

export async function listDeadLetters(db: Queryable, limit: number): Promise<DeadLetter[]> {
  const { rows } = await db.query<JobRow>(SQL, [limit]);
  return rows.map(toDeadLetter);
}
