/**
 * Every error the API can answer, with its stable code and HTTP status. The README's error table
 * is checked against this list by a test, so add a row there when you add one here.
 */
export const ERROR_CATALOGUE = {
  malformed_json: { status: 400, title: 'The request body is not valid JSON' },
  json_too_deep: { status: 400, title: 'The JSON body is nested too deeply' },
  malformed_request: { status: 400, title: 'The HTTP request could not be parsed' },
  validation_failed: { status: 400, title: 'The request does not match the schema of this route' },
  invalid_text: {
    status: 400,
    title:
      'A text field holds a character that cannot be stored as sent (NUL, a lone surrogate, a leading BOM)',
  },
  duplicate_header: { status: 400, title: 'A header that must appear once was sent more than once' },
  unauthorized: { status: 401, title: 'Missing or invalid credentials' },
  admin_token_required: { status: 403, title: 'This route needs the admin token' },
  not_found: { status: 404, title: 'No such resource' },
  route_not_found: { status: 404, title: 'No such route' },
  delivery_in_progress: { status: 409, title: 'The delivery is being attempted; replay it once it ends' },
  endpoint_disabled: { status: 409, title: 'The endpoint is disabled; enable it first' },
  last_api_key: { status: 409, title: 'The last active API key of an account cannot be revoked' },
  too_many_active_secrets: {
    status: 409,
    title:
      'The endpoint has as many active secrets as allowed; rotate without overlap or wait for one to expire',
  },
  endpoint_limit_reached: { status: 409, title: 'The account has as many endpoints as allowed' },
  event_erased: { status: 409, title: 'The event payload was erased; it can no longer be delivered' },
  uri_too_long: { status: 414, title: 'A path parameter is too long' },
  payload_too_large: { status: 413, title: 'The request body is too large' },
  unsupported_media_type: { status: 415, title: 'Send the body as application/json' },
  rate_limited: {
    status: 429,
    title: 'Too many requests for this API key; retry after the Retry-After delay',
  },
  bulk_replay_rate_limited: {
    status: 429,
    title: 'Too many bulk replays for this account; retry after the Retry-After delay',
  },
  headers_too_large: { status: 431, title: 'The request headers or URL are too large' },
  unknown_event_type: { status: 422, title: 'Unknown event type' },
  reserved_event_type: {
    status: 422,
    title: 'This event type is produced by the platform itself and cannot be published',
  },
  event_type_not_in_version: {
    status: 422,
    title: "The event type does not exist in the endpoint's schema version; upgrade the endpoint first",
  },
  invalid_plan: { status: 422, title: 'The plan is not valid (its period must end after it starts)' },
  invalid_event_data: {
    status: 422,
    title: 'The event data does not match the schema of its type, or holds text no receiver can store',
  },
  invalid_url: { status: 422, title: 'The endpoint URL is not a valid http(s) URL' },
  empty_event_types: { status: 422, title: 'An endpoint must subscribe to at least one event type' },
  confirmation_mismatch: { status: 422, title: 'The confirmation does not name the account to delete' },
  idempotency_key_reused: { status: 422, title: 'This Idempotency-Key was used with a different request' },
  event_refused: { status: 422, title: 'The database refused to store this event' },
  internal_error: { status: 500, title: 'Internal error' },
  service_unavailable: { status: 503, title: 'The service is not ready' },
} as const satisfies Record<string, { status: number; title: string }>;

export type ErrorCode = keyof typeof ERROR_CATALOGUE;

export const ERROR_TYPE_BASE = 'https://bookflow.dev/errors/';

/** A problem to answer as application/problem+json (RFC 9457). */
export class ApiError extends Error {
  override readonly name = 'ApiError';
  readonly status: number;

  constructor(
    readonly code: ErrorCode,
    readonly detail?: string,
    readonly extra?: Record<string, unknown>,
  ) {
    super(detail ?? ERROR_CATALOGUE[code].title);
    this.status = ERROR_CATALOGUE[code].status;
  }

  toProblem(instance?: string): Record<string, unknown> {
    const entry = ERROR_CATALOGUE[this.code];
    return {
      type: ERROR_TYPE_BASE + this.code,
      title: entry.title,
      status: entry.status,
      code: this.code,
      ...(this.detail ? { detail: this.detail } : {}),
      ...(instance ? { instance } : {}),
      ...this.extra,
    };
  }
}
