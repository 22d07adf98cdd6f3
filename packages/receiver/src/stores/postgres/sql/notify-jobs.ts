import type { Queryable } from '@bookflow/pg';

/** Wakes workers that LISTEN on bookflow_receiver_jobs (in any process). */
export async function notifyJobs(db: Queryable): Promise<void> {
  await db.query("SELECT pg_notify('bookflow_receiver_jobs', '')");
}
