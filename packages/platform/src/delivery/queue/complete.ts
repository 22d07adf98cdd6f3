import type { Queryable } from '@bookflow/pg';

/**
 * Schedules the next attempt `delayMs` after now, computed by the database so every worker agrees
 * on the clock. If the endpoint was disabled while this attempt was in flight (410, the failure
 * threshold, or its owner), the delivery is held with the others, to be released in order.
 */
export async function markRetry(
  tx: Queryable,
  input: { id: string; workerId: string; statusCode: number | null; error: string | null; delayMs: number },
): Promise<boolean> {
  const { rowCount } = await tx.query(
    `update deliveries d
        set status = case when ep.status = 'enabled' then 'pending' else 'held' end,
            attempt_count = d.attempt_count + 1,
            next_attempt_at = now() + make_interval(secs => $5::double precision / 1000),
            last_status_code = $3, last_error = $4, lease_expires_at = null, leased_by = null, updated_at = now()
       from endpoints ep
      where d.id = $1 and d.status = 'delivering' and d.leased_by = $2 and ep.id = d.endpoint_id`,
    [input.id, input.workerId, input.statusCode, input.error, input.delayMs],
  );
  return rowCount > 0;
}

export async function markDead(
  tx: Queryable,
  input: { id: string; workerId: string; statusCode: number | null; error: string | null },
): Promise<boolean> {
  const { rowCount } = await tx.query(
    `update deliveries set status = 'dead', attempt_count = attempt_count + 1, dead_at = now(),
            last_status_code = $3, last_error = $4, lease_expires_at = null, leased_by = null, updated_at = now()
      where id = $1 and status = 'delivering' and leased_by = $2`,
    [input.id, input.workerId, input.statusCode, input.error],
  );
  return rowCount > 0;
}

/** The endpoint is being disabled (410 Gone, or failing too long): this delivery waits as held with its other ones. */
export async function markHeld(
  tx: Queryable,
  input: { id: string; workerId: string; statusCode: number | null; error: string | null },
): Promise<boolean> {
  const { rowCount } = await tx.query(
    `update deliveries set status = 'held', attempt_count = attempt_count + 1,
            last_status_code = $3, last_error = $4, lease_expires_at = null, leased_by = null, updated_at = now()
      where id = $1 and status = 'delivering' and leased_by = $2`,
    [input.id, input.workerId, input.statusCode, input.error],
  );
  return rowCount > 0;
}
