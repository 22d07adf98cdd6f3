import type { Queryable } from '@bookflow/pg';

/** The channel idle workers LISTEN on; a notification on it means "something may be claimable now". */
export const WORKERS_CHANNEL = 'bookflow_deliveries';

/**
 * The statement that wakes idle workers. Kept as text so publishing can run it inside its one
 * statement (with a condition) instead of paying a second round trip; everyone else calls
 * notifyWorkers. Inside a transaction the notification is delivered at commit, so a worker never
 * wakes before the rows it is woken for are visible.
 */
export const NOTIFY_WORKERS_SQL = `select pg_notify('${WORKERS_CHANNEL}', '')`;

export async function notifyWorkers(tx: Queryable): Promise<void> {
  await tx.query(NOTIFY_WORKERS_SQL);
}
