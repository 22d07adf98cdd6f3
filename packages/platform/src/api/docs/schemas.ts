/**
 * The shapes the API answers with, as shared OpenAPI components (documentation only: answers are
 * serialised as JSON.stringify would, see plugins.ts); their examples are in examples.ts.
 */
import { EXAMPLE_IDS } from './examples.ts';
import { idParam } from './operation.ts';

// The field schemas the shapes share, named so each shape reads as a list of its fields.
const text = { type: 'string' } as const;
const integer = { type: 'integer' } as const;
const bool = { type: 'boolean' } as const;
const time = { type: 'string', format: 'date-time' } as const;

/**
 * A date-time a request may give, from year 1000 on: year 0 (which an offset also reaches from
 * year 1) passes the date-time format but PGlite refuses it, a 500 instead of a 400.
 */
export const inputTime = { type: 'string', format: 'date-time', pattern: '^[1-9]' } as const;
const nullableTime = { type: ['string', 'null'], format: 'date-time' } as const;
const nullableString = { type: ['string', 'null'] } as const;
const nullableInt = { type: ['integer', 'null'] } as const;

/**
 * A shape operations refer to by name (`{ $ref: 'Name#' }`), listed once among the OpenAPI
 * document's components.
 */
function component<const P extends object, const R extends readonly (keyof P & string)[]>(
  id: string,
  shape: { required: R; properties: P },
) {
  return { $id: id, type: 'object', required: shape.required, properties: shape.properties } as const;
}

/** The `{id}` of the routes under /v1/endpoints/{id}. */
export const ENDPOINT_ID_PARAM = idParam('endpoint', EXAMPLE_IDS.endpoint);

export const ENDPOINT_SCHEMA = component('Endpoint', {
  required: ['id', 'url', 'event_types', 'enabled', 'created_at', 'updated_at'],
  properties: {
    id: text,
    kind: { type: 'string', enum: ['http', 'cli'], description: '`cli`: forwarded by `bookflow listen`' },
    url: text,
    description: nullableString,
    event_types: { type: 'array', items: text },
    schema_version: { type: 'string', description: 'The schema version its deliveries are converted to' },
    enabled: bool,
    disabled_reason: nullableString,
    rate_limit: nullableInt,
    max_concurrency: nullableInt,
    failing_since: nullableTime,
    disabled_at: nullableTime,
    expires_at: { ...nullableTime, description: 'When a `cli` endpoint is removed if no CLI holds it' },
    created_at: time,
    updated_at: time,
  },
});

export const DELIVERY_SCHEMA = component('Delivery', {
  required: ['id', 'event_id', 'endpoint_id', 'event_type', 'status', 'attempt_count'],
  properties: {
    id: text,
    event_id: text,
    endpoint_id: text,
    event_type: text,
    status: { type: 'string', enum: ['pending', 'delivering', 'succeeded', 'dead', 'held'] },
    series: integer,
    trigger: { type: 'string', enum: ['publish', 'manual'] },
    attempt_count: integer,
    next_attempt_at: nullableTime,
    last_status_code: nullableInt,
    last_error: nullableString,
    created_at: time,
    updated_at: time,
    succeeded_at: nullableTime,
    dead_at: nullableTime,
    dead_reason: nullableString,
  },
});

export const ATTEMPT_SCHEMA = component('Attempt', {
  required: ['series', 'attempt', 'outcome', 'started_at'],
  properties: {
    series: integer,
    attempt: integer,
    trigger: text,
    scheduled_at: nullableTime,
    started_at: time,
    duration_ms: integer,
    outcome: { type: 'string', enum: ['succeeded', 'failed'] },
    status_code: nullableInt,
    error_kind: nullableString,
    error: nullableString,
    response_body: nullableString,
    response_body_encoding: { type: ['string', 'null'], enum: ['utf8', 'escaped', null] },
    response_content_type: nullableString,
    response_truncated: bool,
  },
});

export const DELIVERY_WITH_ATTEMPTS_SCHEMA = {
  $id: 'DeliveryWithAttempts',
  allOf: [
    { $ref: 'Delivery#' },
    {
      type: 'object',
      required: ['attempts', 'attempts_total'],
      properties: {
        attempts: { type: 'array', items: { $ref: 'Attempt#' } },
        attempts_total: integer,
        attempts_next_cursor: nullableString,
      },
    },
  ],
} as const;

export const ENVELOPE_SCHEMA = component('Envelope', {
  required: ['id', 'type', 'created_at', 'account_id', 'schema_version', 'data'],
  properties: {
    id: {
      ...text,
      description: 'The event id, the same on every attempt and replay: receivers dedupe on it',
    },
    type: { ...text, description: 'The event type, e.g. `meeting.booked`' },
    created_at: {
      ...time,
      description:
        'When the event was published: accepted by the API, or emitted by the platform (its own events)',
    },
    account_id: { ...text, description: 'The account that published it' },
    schema_version: {
      ...text,
      description: "The schema version `data` follows; a delivery carries its endpoint's pinned version",
    },
    data: {
      type: ['object', 'null'],
      additionalProperties: true,
      description: 'The payload, as the catalogue describes it for this type and version; null once erased',
    },
    test: {
      type: 'boolean',
      description: 'Present (true) on test events sent with POST /v1/endpoints/{id}/test',
    },
    source: {
      type: 'string',
      enum: ['api', 'platform'],
      description: 'Who published it (in the event log only; not part of what endpoints receive)',
    },
    erased_at: { ...nullableTime, description: 'Present once the payload was erased' },
  },
});

export const ACCOUNT_SCHEMA = component('Account', {
  required: ['id', 'name', 'created_at'],
  properties: {
    id: text,
    name: text,
    notifications: {
      type: 'object',
      properties: {
        slack_webhook_url: { type: ['string', 'null'], enum: ['configured', null] },
        pagerduty_routing_key: { type: ['string', 'null'], enum: ['configured', null] },
      },
    },
    mode: { type: 'string', enum: ['live', 'test'], description: '`test` when called with a test key' },
    default_schema_version: { type: 'string', description: 'The schema version new endpoints get' },
    plan: {
      type: ['object', 'null'],
      properties: {
        name: text,
        minutes_included: integer,
        period_start: time,
        period_end: time,
      },
    },
    trial_ends_at: nullableTime,
    usage: {
      type: ['object', 'null'],
      description: 'The current period (on GET /v1/account and the admin routes)',
      properties: {
        minutes_used: integer,
        calls: integer,
        thresholds_reached: { type: 'array', items: integer },
        counted: {
          type: 'boolean',
          description: 'false for a test-mode account, whose calls are never counted',
        },
      },
    },
    created_at: time,
  },
});

export const API_KEY_SCHEMA = component('ApiKey', {
  required: ['id', 'prefix', 'created_at'],
  properties: {
    id: text,
    name: nullableString,
    prefix: text,
    mode: { type: 'string', enum: ['live', 'test'], description: '`bfk_live_…` or `bfk_test_…`' },
    created_at: time,
    last_used_at: nullableTime,
    revoked_at: nullableTime,
  },
});

/** Every shared schema, registered with Fastify so the OpenAPI document lists them as components. */
export const SHARED_SCHEMAS = [
  ENDPOINT_SCHEMA,
  DELIVERY_SCHEMA,
  ATTEMPT_SCHEMA,
  DELIVERY_WITH_ATTEMPTS_SCHEMA,
  ENVELOPE_SCHEMA,
  ACCOUNT_SCHEMA,
  API_KEY_SCHEMA,
];

/** `{ data: [...] }`: a whole list, short enough to need no pages. */
export function listOf(ref: string) {
  return {
    type: 'object',
    required: ['data'],
    properties: { data: { type: 'array', items: { $ref: `${ref}#` } } },
  };
}

/** `{ data: [...], next_cursor }`: a page of a list. */
export function pageOf(ref: string, extra: Record<string, object> = {}) {
  return {
    type: 'object',
    required: ['data', 'next_cursor'],
    properties: {
      data: { type: 'array', items: { $ref: `${ref}#` } },
      next_cursor: { ...nullableString, description: 'Pass as `cursor` for the next page; null at the end' },
      ...extra,
    },
  };
}
