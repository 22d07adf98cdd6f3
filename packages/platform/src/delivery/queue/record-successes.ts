import type { Queryable } from '@bookflow/pg';
import type { AttemptSucceeded } from '../http/index.ts';
import { attemptColumns, attemptRowValues } from './attempt-row.ts';
import type { ClaimedDelivery } from './claimed-delivery.ts';

export interface Success {
  job: ClaimedDelivery;
  startedAt: Date;
  result: AttemptSucceeded;
}

/**
 * Records many successful attempts in one statement: the deliveries become succeeded (only where
 * this worker still holds the lease), their endpoints' failure runs end, and one attempt row is
 * kept per delivery actually updated. Returns the ids that were recorded; an id missing from the
 * answer lost its lease (reaped and claimed elsewhere) and its attempt is not kept.
 *
 * Plain retries have their own batch path (record-retries.ts); the other failures keep the
 * per-delivery transaction of attempt.ts, which needs the endpoint-health decision row by row. The statement
 * is all or nothing: a row the database refuses fails the whole call, and the SuccessBatcher
 * then sets that row apart (worker/success-batcher.ts).
 */
export async function recordSuccesses(
  db: Queryable,
  workerId: string,
  items: Success[],
): Promise<Set<string>> {
  const rows = items.map((s) => ({ ...s, row: attemptRowValues(s.result) }));
  // The input has every attempt column (attempt-row.ts); error_kind and error are null for a success.
  const done = await db.query<{ id: string }>(
    `with input as (
       select * from unnest($1::uuid[], $2::int[], $3::int[], $4::text[], $5::timestamptz[], $6::timestamptz[],
                            $7::int[], $8::int[], $9::text[], $10::text[], $11::text[], $12::text[], $13::text[],
                            $14::boolean[])
         as u (id, series, attempt_number, trigger, scheduled_at, started_at, duration_ms, status_code,
               error_kind, error, response_body, response_body_encoding, response_content_type,
               response_truncated)
     ), done as (
       update deliveries d
          set status = 'succeeded', attempt_count = d.attempt_count + 1, succeeded_at = now(),
              last_status_code = input.status_code, last_error = null, lease_expires_at = null, leased_by = null,
              updated_at = now()
         from input
        where d.id = input.id and d.status = 'delivering' and d.leased_by = $15
       returning d.id, d.endpoint_id
     ), ending as (
       -- Locked in id order, as the failure batches lock the endpoints whose run starts
       -- (record-retries.ts): a success batch and a failure batch on the same endpoints then
       -- wait for each other instead of deadlocking.
       select ep.id from endpoints ep
        where ep.id in (select endpoint_id from done) and ep.failing_since is not null
        order by ep.id
          for no key update
     ), recovered as (
       update endpoints ep set failing_since = null from ending where ep.id = ending.id
     ), kept as (
       insert into delivery_attempts (delivery_id, series, attempt_number, trigger, scheduled_at, started_at,
              duration_ms, outcome, status_code, response_body, response_body_encoding, response_content_type,
              response_truncated)
       select input.id, input.series, input.attempt_number, input.trigger, input.scheduled_at, input.started_at,
              input.duration_ms, 'succeeded', input.status_code, input.response_body, input.response_body_encoding,
              input.response_content_type, input.response_truncated
         from input join done on done.id = input.id
     )
     select id from done`,
    [rows.map((s) => s.job.id), ...attemptColumns(rows), workerId],
  );
  return new Set(done.rows.map((r) => r.id));
}
