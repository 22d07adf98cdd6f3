import type { Queryable } from '@bookflow/pg';

export interface Completion {
  id: string;
  workerId: string;
  statusCode: number | null;
  error: string | null;
}

/**
 * Where a recorded failure left the delivery: its new status, and for 'dead' the reason. Null
 * when the lease had been lost (nothing was updated). An endpoint deleted while the attempt was
 * in flight ends the delivery as dead with reason 'endpoint_deleted', whatever the retry policy
 * said: nothing will ever claim it again, and leaving it pending or held would strand it.
 */
export type Completed = { status: 'pending' | 'held' | 'dead'; dead_reason: string | null } | null;

/**
 * Records the end of an attempt on a delivery this worker still leases: the attempt counted, its
 * outcome kept, the lease released. `set` (constant SQL, never input) says where the delivery goes.
 */
async function finish(
  tx: Queryable,
  input: Completion,
  set: string,
  params: readonly unknown[] = [],
): Promise<Completed> {
  const { rows } = await tx.query<NonNullable<Completed>>(
    `update deliveries d
        set ${set},
            attempt_count = d.attempt_count + 1,
            last_status_code = $3, last_error = $4, lease_expires_at = null, leased_by = null, updated_at = now()
       from endpoints ep
      where d.id = $1 and d.status = 'delivering' and d.leased_by = $2 and ep.id = d.endpoint_id
      returning d.status, d.dead_reason`,
    [input.id, input.workerId, input.statusCode, input.error, ...params],
  );
  return rows[0] ?? null;
}

/**
 * Schedules the next attempt `delayMs` after now, computed by the database so every worker agrees
 * on the clock. If the endpoint was disabled while this attempt was in flight (410, the failure
 * threshold, or its owner), the delivery is held with the others, to be released in order.
 */
export async function markRetry(tx: Queryable, input: Completion & { delayMs: number }): Promise<Completed> {
  return finish(tx, input, retrySet('$5::double precision'), [input.delayMs]);
}

/**
 * Where a retried delivery goes (`d` the delivery, `ep` its endpoint, `delayMs` an SQL expression
 * in ms): one text for markRetry and the batched retries of record-retries.ts, so both paths give
 * the same row. Constant SQL, never input.
 */
export function retrySet(delayMs: string): string {
  return `status = case when ep.deleted_at is not null then 'dead' when ep.status = 'enabled' then 'pending'
                   else 'held' end,
     dead_at = case when ep.deleted_at is not null then now() end,
     dead_reason = case when ep.deleted_at is not null then 'endpoint_deleted' end,
     next_attempt_at = now() + make_interval(secs => ${delayMs} / 1000)`;
}

/** The last attempt of the series failed: the dead letter. */
export async function markDead(tx: Queryable, input: Completion): Promise<Completed> {
  return finish(
    tx,
    input,
    `status = 'dead', dead_at = now(),
     dead_reason = case when ep.deleted_at is not null then 'endpoint_deleted' else 'attempts_exhausted' end`,
  );
}

/**
 * The endpoint is being disabled (410 Gone, or failing too long): this delivery waits as held with
 * its other ones; or ends dead if the endpoint was deleted meanwhile.
 */
export async function markHeld(tx: Queryable, input: Completion): Promise<Completed> {
  return finish(
    tx,
    input,
    `status = case when ep.deleted_at is not null then 'dead' else 'held' end,
     dead_at = case when ep.deleted_at is not null then now() end,
     dead_reason = case when ep.deleted_at is not null then 'endpoint_deleted' end`,
  );
}
