import { type AttemptResult, storableText } from '../http/index.ts';
import type { ClaimedDelivery } from './claimed-delivery.ts';

/** The columns of one delivery_attempts row that come from the receiver's answer. */
export interface AttemptRowValues {
  durationMs: number;
  outcome: 'succeeded' | 'failed';
  statusCode: number | null;
  errorKind: string | null;
  error: string | null;
  responseBody: string | null;
  responseBodyEncoding: 'utf8' | 'escaped' | null;
  responseContentType: string | null;
  responseTruncated: boolean;
}

/**
 * The sender already makes bodies and messages storable; this is the last step before SQL, for
 * results that did not come from it (tests, future senders), so every write path stores text the
 * same way. storableText is a no-op on text that is already storable.
 */
export function attemptRowValues(result: AttemptResult): AttemptRowValues {
  return {
    durationMs: Math.round(result.durationMs),
    outcome: result.ok ? 'succeeded' : 'failed',
    statusCode: result.statusCode,
    errorKind: result.error?.kind ?? null,
    error: result.error ? storableText(result.error.message) : null,
    responseBody: result.responseBody === null ? null : storableText(result.responseBody, 4 * 65_536),
    responseBodyEncoding: result.responseBody === null ? null : (result.responseBodyEncoding ?? 'utf8'),
    responseContentType:
      result.responseContentType === null ? null : storableText(result.responseContentType, 200),
    responseTruncated: result.responseTruncated,
  };
}

/** The delivery's last_error: kind and message, storable. */
export function lastErrorText(result: AttemptResult): string | null {
  return result.error ? storableText(`${result.error.kind}: ${result.error.message}`) : null;
}

/**
 * The attempt columns of a batch of attempt rows, one array per column, for the unnest of the
 * batch statements (record-successes.ts, record-retries.ts), in this order: series, attempt_number,
 * trigger, scheduled_at, started_at, duration_ms, status_code, error_kind, error, response_body,
 * response_body_encoding, response_content_type, response_truncated.
 */
export function attemptColumns(
  rows: readonly { job: ClaimedDelivery; startedAt: Date; row: AttemptRowValues }[],
): unknown[][] {
  const column = <T>(pick: (r: (typeof rows)[number]) => T) => rows.map(pick);
  return [
    column((r) => r.job.series),
    column((r) => r.job.attempt),
    column((r) => r.job.trigger),
    column((r) => r.job.scheduledAt),
    column((r) => r.startedAt),
    column((r) => r.row.durationMs),
    column((r) => r.row.statusCode),
    column((r) => r.row.errorKind),
    column((r) => r.row.error),
    column((r) => r.row.responseBody),
    column((r) => r.row.responseBodyEncoding),
    column((r) => r.row.responseContentType),
    column((r) => r.row.responseTruncated),
  ];
}
