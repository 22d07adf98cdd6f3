import { ApiError } from '../../errors/catalogue.ts';
import type { PublishRefusal } from '../../events/publish.ts';
import type { DataRefusal, EventCheck } from '../../events/validation.ts';

/** The problem for event data that was refused: always `invalid_event_data`, with the paths at fault. */
export function dataRefusalProblem(refusal: DataRefusal): ApiError {
  const listed = refusal.errors.map((e) => `${e.path} ${e.message}`).join('; ');
  const detail =
    refusal.reason === 'schema_mismatch'
      ? `data does not match the ${refusal.type} schema: ${listed}`
      : `data holds text no receiver can store: ${listed}`;
  return new ApiError('invalid_event_data', detail, { errors: refusal.errors });
}

export function eventCheckProblem(check: EventCheck & { ok: false }): ApiError {
  if (check.reason === 'unknown_event_type') {
    return new ApiError(
      'unknown_event_type',
      `"${check.type}" is not an event type; GET /v1/event-types lists them`,
    );
  }
  if (check.reason === 'reserved_event_type') {
    return new ApiError(
      'reserved_event_type',
      `${check.type} is emitted by the platform itself (from the account's plan, usage and trial); it cannot be published`,
    );
  }
  return dataRefusalProblem(check);
}

export function publishProblem(refusal: PublishRefusal): ApiError {
  if (refusal.reason === 'idempotency_key_reused') {
    return new ApiError(
      'idempotency_key_reused',
      'this Idempotency-Key was first used with a different type or data; use a new key for a new event',
    );
  }
  return new ApiError(
    'event_refused',
    `the database refused this event (SQLSTATE ${refusal.sqlstate}: ${refusal.message.slice(0, 300)}); the same request will be refused again`,
  );
}
