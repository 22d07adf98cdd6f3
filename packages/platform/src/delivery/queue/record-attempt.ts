import type { Queryable } from '@bookflow/pg';
import type { AttemptResult } from '../http/index.ts';
import { attemptRowValues } from './attempt-row.ts';
import type { ClaimedDelivery } from './claimed-delivery.ts';

/** Keeps one attempt, whatever its outcome. */
export async function insertAttempt(
  tx: Queryable,
  job: ClaimedDelivery,
  startedAt: Date,
  result: AttemptResult,
): Promise<void> {
  const row = attemptRowValues(result);
  await tx.query(
    `insert into delivery_attempts (delivery_id, series, attempt_number, trigger, scheduled_at, started_at,
       duration_ms, outcome, status_code, error_kind, error, response_body, response_body_encoding,
       response_content_type, response_truncated)
     values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)`,
    [
      job.id,
      job.series,
      job.attempt,
      job.trigger,
      job.scheduledAt,
      startedAt,
      row.durationMs,
      row.outcome,
      row.statusCode,
      row.errorKind,
      row.error,
      row.responseBody,
      row.responseBodyEncoding,
      row.responseContentType,
      row.responseTruncated,
    ],
  );
}
