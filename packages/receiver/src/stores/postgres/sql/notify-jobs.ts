import type { Queryable } from '../db.ts';

/** Wakes workers that LISTEN on bookflow_receiver_jobs (in any process). */
export async function notifyJobs(db: Queryable): Promise<void> {
  await db.query("SELECT pg_notify('bookflow_receiver_jobs', '')");
}
