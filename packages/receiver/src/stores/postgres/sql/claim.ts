import type { Queryable } from '@bookflow/pg';
import type { Job } from '../../../jobs/job.ts';
import { type JobRow, toJob } from './job-row.ts';

/**
 * SKIP LOCKED lets any number of workers claim side by side without waiting on each other's rows;
 * the attempt is counted here, at claim, so a job whose handler crashes the process every time
 * still runs out of attempts instead of looping forever.
 */
const SQL = `
WITH due AS (
  SELECT event_id FROM bookflow_receiver_jobs
  WHERE status = 'queued' AND run_at <= $1
  ORDER BY run_at
  LIMIT $2
  FOR UPDATE SKIP LOCKED
)
UPDATE bookflow_receiver_jobs AS j
SET status = 'running', locked_by = $3,
    locked_until = $1::timestamptz + make_interval(secs => $4::double precision / 1000),
    attempts = j.attempts + 1
FROM due WHERE j.event_id = due.event_id
RETURNING j.*`;

export async function claimJobs(
  db: Queryable,
  workerId: string,
  limit: number,
  leaseMs: number,
  now: Date,
): Promise<Job[]> {
  const { rows } = await db.query<JobRow>(SQL, [now, limit, workerId, leaseMs]);
  return rows.map(toJob);
}
