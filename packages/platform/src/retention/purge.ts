import type { Db, Queryable } from '@bookflow/pg';

/** Rows changed per statement, so a large purge never holds long locks or one huge transaction. */
const BATCH = 5_000;

/** Runs a statement that changes at most BATCH rows until a run changes fewer; the rows changed in all. */
async function inBatches(db: Queryable, sql: string, params: unknown[]): Promise<number> {
  let total = 0;
  for (;;) {
    const { rowCount } = await db.query(sql, params);
    total += rowCount;
    if (rowCount < BATCH) return total;
  }
}

/**
 * Purges event payloads and attempt response bodies older than the retention period, keeping the
 * rows (ids, types, times, statuses) as the audit trail. Events that still have deliveries waiting
 * (pending, delivering or held) keep their payload until those finish. Endpoint secrets whose
 * rotation overlap has ended (or whose endpoint was deleted) sign nothing any more: deleted.
 */
export async function purgeExpired(
  db: Queryable,
  retentionMs: number,
): Promise<{ events: number; attempts: number; secrets: number }> {
  const events = await inBatches(
    db,
    `update events set body = null, erased_at = now(), erasure_reason = 'retention'
      where id in (
        select e.id from events e
         where e.created_at < now() - make_interval(secs => $1::double precision / 1000) and e.body is not null
           and not exists (select 1 from deliveries d where d.event_id = e.id and d.status in ('pending', 'delivering', 'held'))
         limit $2)`,
    [retentionMs, BATCH],
  );
  const attempts = await inBatches(
    db,
    `update delivery_attempts set response_body = null, purged_at = now()
      where id in (
        select id from delivery_attempts
         where started_at < now() - make_interval(secs => $1::double precision / 1000) and purged_at is null
         limit $2)`,
    [retentionMs, BATCH],
  );
  const secrets = await inBatches(
    db,
    `delete from endpoint_secrets
      where id in (select id from endpoint_secrets where expires_at <= now() limit $1)`,
    [BATCH],
  );
  return { events, attempts, secrets };
}

/**
 * Erases one event's payload on request (GDPR), keeping its audit row. Deliveries that had not
 * gone out yet can no longer be sent: they end as dead with the reason recorded.
 */
export async function eraseEvent(db: Db, accountId: string, eventId: string): Promise<boolean> {
  return db.transaction(async (tx) => {
    const { rowCount } = await tx.query(
      `update events set body = null, erased_at = coalesce(erased_at, now()), erasure_reason = 'request'
        where id = $1 and account_id = $2`,
      [eventId, accountId],
    );
    if (rowCount === 0) return false;
    await tx.query(
      `update delivery_attempts set response_body = null, purged_at = now()
        where delivery_id in (select id from deliveries where event_id = $1)`,
      [eventId],
    );
    await tx.query(
      `update deliveries set status = 'dead', dead_at = now(), dead_reason = 'event_erased',
              last_error = 'event payload erased on request',
              lease_expires_at = null, leased_by = null, updated_at = now()
        where event_id = $1 and status in ('pending', 'held')`,
      [eventId],
    );
    return true;
  });
}
