import type { Queryable } from '@bookflow/pg';
import type { AttemptFailed } from '../http/index.ts';
import { attemptColumns, attemptRowValues, lastErrorText } from './attempt-row.ts';
import type { ClaimedDelivery } from './claimed-delivery.ts';
import { retrySet } from './complete.ts';

/** A failed attempt the retry policy answered with a plain retry after `delayMs`. */
export interface Retry {
  job: ClaimedDelivery;
  startedAt: Date;
  result: AttemptFailed;
  delayMs: number;
}

export interface RetriesRecorded {
  /** Recorded: the delivery's new status and dead reason ('endpoint_deleted' when deleted in flight). */
  done: Map<string, { status: string; deadReason: string | null }>;
  /**
   * Still leased by this worker but not written here: its endpoint's failure run is old enough that
   * this failure might disable it. The caller records these on the single path (worker/attempt.ts),
   * which decides exactly. An id in neither set lost its lease; its attempt is not kept.
   */
  deferred: Set<string>;
}

/**
 * Keeps a row whose endpoint failure run is within this much of the auto-disable limit on the
 * single path: the margin costs a few single transactions near the limit and guards the batch
 * from ever being the write that should have disabled an endpoint.
 */
const DISABLE_MARGIN_MS = 5_000;

/**
 * Records many plain retries in one statement, with the same rows markRetry, markFailingSince and
 * insertAttempt give one by one (queue/complete.ts, endpoint-health/failing.ts): each delivery
 * leased by this worker gets its own next_attempt_at (pending, held if its endpoint is no longer
 * enabled, dead 'endpoint_deleted' if deleted meanwhile), the endpoints without a failure run start
 * one, and one attempt row is kept per delivery updated.
 *
 * Only a failure that cannot disable its endpoint belongs here: one whose endpoint has no failure
 * run, or a run younger than `disableAfterMs` minus a margin, or auto-disable is off (0). The
 * others are answered `deferred`. The endpoints whose run starts are locked in id order, so two
 * workers' batches touching the same endpoints cannot deadlock each other.
 */
export async function recordRetries(
  db: Queryable,
  workerId: string,
  disableAfterMs: number,
  items: Retry[],
): Promise<RetriesRecorded> {
  const rows = items.map((r) => ({
    ...r,
    row: attemptRowValues(r.result),
    lastError: lastErrorText(r.result),
  }));
  const youngerThanMs = disableAfterMs > 0 ? Math.max(0, disableAfterMs - DISABLE_MARGIN_MS) : null;
  const { rows: answer } = await db.query<{
    id: string;
    done: boolean;
    status: string;
    dead_reason: string | null;
  }>(
    `with input as (
       select * from unnest($1::uuid[], $2::double precision[], $3::text[], $4::int[], $5::int[], $6::text[],
                            $7::timestamptz[], $8::timestamptz[], $9::int[], $10::int[], $11::text[], $12::text[],
                            $13::text[], $14::text[], $15::text[], $16::boolean[])
         as u (id, delay_ms, last_error, series, attempt_number, trigger, scheduled_at, started_at, duration_ms,
               status_code, error_kind, error, response_body, response_body_encoding, response_content_type,
               response_truncated)
     ), done as (
       update deliveries d
          set ${retrySet('input.delay_ms')},
              attempt_count = d.attempt_count + 1, last_status_code = input.status_code,
              last_error = input.last_error, lease_expires_at = null, leased_by = null, updated_at = now()
         from input, endpoints ep
        where d.id = input.id and d.status = 'delivering' and d.leased_by = $17 and ep.id = d.endpoint_id
          and ($18::double precision is null or ep.failing_since is null
               or ep.failing_since > now() - make_interval(secs => $18::double precision / 1000))
       returning d.id, d.endpoint_id, d.status, d.dead_reason
     ), starting as (
       select ep.id from endpoints ep
        where ep.id in (select endpoint_id from done where dead_reason is distinct from 'endpoint_deleted')
          and ep.failing_since is null
        order by ep.id
          for no key update
     ), started as (
       update endpoints ep set failing_since = now() from starting where ep.id = starting.id
     ), kept as (
       insert into delivery_attempts (delivery_id, series, attempt_number, trigger, scheduled_at, started_at,
              duration_ms, outcome, status_code, error_kind, error, response_body, response_body_encoding,
              response_content_type, response_truncated)
       select input.id, input.series, input.attempt_number, input.trigger, input.scheduled_at, input.started_at,
              input.duration_ms, 'failed', input.status_code, input.error_kind, input.error, input.response_body,
              input.response_body_encoding, input.response_content_type, input.response_truncated
         from input join done on done.id = input.id
     )
     select id, true as done, status, dead_reason from done
     union all
     select d.id, false, d.status, d.dead_reason from deliveries d join input on input.id = d.id
      where d.status = 'delivering' and d.leased_by = $17 and not exists (select 1 from done where done.id = d.id)`,
    [
      rows.map((r) => r.job.id),
      rows.map((r) => r.delayMs),
      rows.map((r) => r.lastError),
      ...attemptColumns(rows),
      workerId,
      youngerThanMs,
    ],
  );
  const done: RetriesRecorded['done'] = new Map();
  const deferred = new Set<string>();
  for (const r of answer) {
    if (r.done) done.set(r.id, { status: r.status, deadReason: r.dead_reason });
    else deferred.add(r.id);
  }
  return { done, deferred };
}
