import type { Queryable } from '@bookflow/pg';

/**
 * Returns deliveries whose lease ran out (their worker died or hung) to the queue, due at once.
 * The attempt was never recorded, so the attempt number is not consumed. One whose endpoint was
 * deleted meanwhile ends dead instead: nothing would ever claim it again.
 */
export async function reapExpiredLeases(db: Queryable): Promise<number> {
  const { rowCount } = await db.query(
    `update deliveries d
        set status = case when ep.deleted_at is null then 'pending' else 'dead' end,
            next_attempt_at = now(),
            dead_at = case when ep.deleted_at is null then null else now() end,
            dead_reason = case when ep.deleted_at is null then null else 'endpoint_deleted' end,
            last_error = case when ep.deleted_at is null then d.last_error else 'endpoint deleted' end,
            lease_expires_at = null, leased_by = null, updated_at = now()
       from endpoints ep
      where ep.id = d.endpoint_id and d.status = 'delivering' and d.lease_expires_at < now()`,
  );
  return rowCount;
}
