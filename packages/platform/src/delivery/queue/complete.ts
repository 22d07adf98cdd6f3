import type { Queryable } from '../../db/db.ts';

/**
 * The lease owner check (`leased_by`) keeps a worker whose lease was reaped and re-claimed by
 * another from overwriting the newer state; it returns false so the caller knows it lost the row.
 */
export async function markSucceeded(
  tx: Queryable,
  input: { id: string; workerId: string; statusCode: number | null },
): Promise<boolean> {
  const { rowCount } = await tx.query(
    `update deliveries set status = 'succeeded', attempt_count = attempt_count + 1, succeeded_at = now(),
            last_status_code = $3, last_error = null, lease_expires_at = null, leased_by = null, updated_at = now()
      where id = $1 and status = 'delivering' and leased_by = $2`,
    [input.id, input.workerId, input.statusCode],
  );
  return rowCount > 0;
}

/** Schedules the next attempt `delayMs` after now, computed by the database so every worker agrees on the clock. */
export async function markRetry(
  tx: Queryable,
  input: { id: string; workerId: string; statusCode: number | null; error: string | null; delayMs: number },
): Promise<boolean> {
  const { rowCount } = await tx.query(
    `update deliveries set status = 'pending', attempt_count = attempt_count + 1,
            next_attempt_at = now() + make_interval(secs => $5::double precision / 1000),
            last_status_code = $3, last_error = $4, lease_expires_at = null, leased_by = null, updated_at = now()
      where id = $1 and status = 'delivering' and leased_by = $2`,
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

/** The endpoint answered 410 Gone: this delivery waits as held with the endpoint's other ones. */
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
