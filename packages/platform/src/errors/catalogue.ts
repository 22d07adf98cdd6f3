import { problemCatalogue, problemDocument } from '@bookflow/events';

/**
 * Every error the API can answer, with its stable code and HTTP status. The README's error table
 * is checked against this list by a test, so add a row there when you add one here. Grouped by
 * the HTTP status each code answers with.
 */
export const ERROR_CATALOGUE = problemCatalogue({
  400: {
    malformed_json: 'The request body is not valid JSON',
    json_too_deep: 'The JSON body is nested too deeply',
    malformed_request: 'The HTTP request could not be parsed',
    validation_failed: 'The request does not match the schema of this route',
    invalid_text:
      'A text field holds a character that cannot be stored as sent (NUL, a lone surrogate, a leading BOM)',
    duplicate_header: 'A header that must appear once was sent more than once',
  },
  401: {
    unauthorized: 'Missing or invalid credentials',
    sign_in_link_invalid: 'The sign-in link is unknown, expired or already used',
  },
  403: {
    admin_token_required: 'This route needs the admin token',
    live_key_required: 'This needs a live API key; a test key cannot do it',
    csrf_token_invalid: 'A request made with the dashboard session cookie needs its X-CSRF-Token header',
  },
  404: {
    not_found: 'No such resource',
    route_not_found: 'No such route',
  },
  409: {
    delivery_in_progress: 'The delivery is being attempted; replay it once it ends',
    endpoint_disabled: 'The endpoint is disabled; enable it first',
    last_api_key: 'The last active API key of an account cannot be revoked',
    too_many_active_secrets:
      'The endpoint has as many active secrets as allowed; rotate without overlap or wait for one to expire',
    endpoint_limit_reached: 'The account has as many endpoints as allowed',
    event_erased: 'The event payload was erased; it can no longer be delivered',
    notification_not_configured: 'The notification channel is not set for this account; set it first',
  },
  413: {
    payload_too_large: 'The request body is too large',
  },
  414: {
    uri_too_long: 'A path parameter is too long',
  },
  415: {
    unsupported_media_type: 'Send the body as application/json',
  },
  422: {
    unknown_event_type: 'Unknown event type',
    invalid_event_data:
      'The event data does not match the schema of its type, or holds text no receiver can store',
    invalid_url: 'The endpoint URL is not a valid http(s) URL',
    empty_event_types: 'An endpoint must subscribe to at least one event type',
    confirmation_mismatch: 'The confirmation does not name the account to delete',
    idempotency_key_reused: 'This Idempotency-Key was used with a different request',
    event_refused: 'The database refused to store this event',
    reserved_event_type: 'This event type is produced by the platform itself and cannot be published',
    event_type_not_in_version:
      "The event type does not exist in the endpoint's schema version; upgrade the endpoint first",
    invalid_plan: 'The plan is not valid (its period must end after it starts)',
    endpoint_not_subscribed:
      'The endpoint does not subscribe to this event type, so it cannot be sent a test one',
  },
  429: {
    rate_limited: 'Too many requests for this API key; retry after the Retry-After delay',
    bulk_replay_rate_limited: 'Too many bulk replays for this account; retry after the Retry-After delay',
    overloaded:
      'More publishes are waiting than the platform takes at once; retry after the Retry-After delay',
  },
  431: {
    headers_too_large: 'The request headers or URL are too large',
  },
  500: {
    internal_error: 'Internal error',
  },
  503: {
    service_unavailable: 'The service is not ready',
    database_unavailable: 'The database is briefly unavailable; retry after the Retry-After delay',
  },
});

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
    return problemDocument(ERROR_TYPE_BASE + this.code, this.code, ERROR_CATALOGUE[this.code], this.detail, {
      ...(instance ? { instance } : {}),
      ...this.extra,
    });
  }
}
