import type { Queryable } from '@bookflow/pg';

export type BulkReplaySlot = { ok: true } | { ok: false; retryAfterSeconds: number };

/**
 * Takes one of the account's bulk replays of the current minute (a fixed window that starts at the
 * first bulk replay after the previous window ended). Counted in PostgreSQL, so the limit holds
 * across API processes. A refused call takes nothing and says when the window ends.
 */
export async function takeBulkReplaySlot(
  tx: Queryable,
  accountId: string,
  perMinute: number,
): Promise<BulkReplaySlot> {
  // Written without a subquery so that, under concurrent calls, PostgreSQL re-checks the window
  // on the row version it finally locks: two calls can never both open a new window.
  const expired = `(bulk_replay_window_start is null or bulk_replay_window_start <= now() - interval '1 minute')`;
  const { rowCount } = await tx.query(
    `update accounts
        set bulk_replay_window_start = case when ${expired} then now() else bulk_replay_window_start end,
            bulk_replay_count = case when ${expired} then 1 else bulk_replay_count + 1 end
      where id = $1 and (${expired} or bulk_replay_count < $2)`,
    [accountId, perMinute],
  );
  if (rowCount > 0) return { ok: true };
  const { rows } = await tx.query<{ seconds: number }>(
    `select greatest(1, ceil(extract(epoch from bulk_replay_window_start + interval '1 minute' - now())))::int
            as seconds
       from accounts where id = $1`,
    [accountId],
  );
  return { ok: false, retryAfterSeconds: rows[0]?.seconds ?? 60 };
}
