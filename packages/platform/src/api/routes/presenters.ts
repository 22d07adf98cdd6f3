import type { AttemptRow, DeliveryRow, RecentAttempts } from '../../delivery-log/read.ts';
import { encodeAttemptCursor } from '../pagination.ts';

const iso = (d: Date | null) => d?.toISOString() ?? null;

export function presentDelivery(d: DeliveryRow) {
  return {
    id: d.id,
    event_id: d.event_id,
    endpoint_id: d.endpoint_id,
    event_type: d.event_type,
    status: d.status,
    series: d.series,
    trigger: d.trigger,
    attempt_count: d.attempt_count,
    next_attempt_at: d.status === 'pending' ? iso(d.next_attempt_at) : null,
    last_status_code: d.last_status_code,
    last_error: d.last_error,
    created_at: iso(d.created_at),
    updated_at: iso(d.updated_at),
    succeeded_at: iso(d.succeeded_at),
    dead_at: iso(d.dead_at),
    dead_reason: d.dead_reason,
  };
}

export function presentAttempt(a: AttemptRow) {
  return {
    series: a.series,
    attempt: a.attempt_number,
    trigger: a.trigger,
    scheduled_at: iso(a.scheduled_at),
    started_at: iso(a.started_at),
    duration_ms: a.duration_ms,
    outcome: a.outcome,
    status_code: a.status_code,
    error_kind: a.error_kind,
    error: a.error,
    response_body: a.response_body,
    // Rows from before the encoding was recorded were always stored as UTF-8 text.
    response_body_encoding: a.response_body === null ? null : (a.response_body_encoding ?? 'utf8'),
    response_content_type: a.response_content_type,
    response_truncated: a.response_truncated,
  };
}

/**
 * A delivery with its newest attempts, oldest first (the order of the field before it was bounded).
 * `attempts_total` counts them all; when some are not shown, `attempts_next_cursor` continues at
 * GET /v1/deliveries/{id}/attempts?cursor=… with the older ones.
 */
export function presentDeliveryWithAttempts(d: DeliveryRow, recent: RecentAttempts) {
  const attempts = recent.attempts.filter((a) => a.delivery_id === d.id);
  const total = recent.totals.get(d.id) ?? 0;
  const oldestShown = attempts[0];
  return {
    ...presentDelivery(d),
    attempts: attempts.map(presentAttempt),
    attempts_total: total,
    attempts_next_cursor: total > attempts.length && oldestShown ? encodeAttemptCursor(oldestShown.id) : null,
  };
}
