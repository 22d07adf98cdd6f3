import type { Queryable } from '@bookflow/pg';
import type { AttemptResult } from '../http/index.ts';
import type { ClaimedDelivery } from './claim.ts';

/** Keeps one attempt, whatever its outcome. */
export async function insertAttempt(
  tx: Queryable,
  job: ClaimedDelivery,
  startedAt: Date,
  result: AttemptResult,
): Promise<void> {
  await tx.query(
    `insert into delivery_attempts (delivery_id, series, attempt_number, trigger, scheduled_at, started_at,
       duration_ms, outcome, status_code, error_kind, error, response_body, response_truncated)
     values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)`,
    [
      job.id,
      job.series,
      job.attempt,
      job.trigger,
      job.scheduled_at,
      startedAt,
      Math.round(result.durationMs),
      result.ok ? 'succeeded' : 'failed',
      result.statusCode,
      result.error?.kind ?? null,
      result.error?.message ?? null,
      result.responseBody,
      result.responseTruncated,
    ],
  );
}
