// Generators of hostile requests for generative-input.test.ts: every route of the API, its text
// fields, ids, query parameters and headers filled with random Unicode (NUL, lone surrogates, RTL
// overrides, 4-byte emoji, very long strings), mixed with valid values so that many requests get
// past the schema and reach the database.

import { EVENT_TYPES, SCHEMA_VERSIONS, sampleData } from '@bookflow/events';
import fc from 'fast-check';

/** Characters that have broken text handling somewhere. */
const SPECIALS = [
  '\u0000',
  '\ud800',
  '\udbff',
  '\udc00',
  '\udfff',
  '\u202e',
  '\u2066',
  '\u200b',
  '\ufeff',
  '\u2028',
  '\u0085',
  '\ufffd',
  '🙂',
  '👩‍👩‍👧‍👦',
  '𝄞',
  'é',
  'ÿ',
  "'",
  '"',
  '\\',
  '%',
  '%00',
  '/',
  '?',
  '#',
  '|',
  '\n',
  '\r\n',
  '\t',
  ' ',
];

const unit = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom(...SPECIALS) },
  { weight: 2, arbitrary: fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }) },
  { weight: 2, arbitrary: fc.integer({ min: 0, max: 0xffff }).map((c) => String.fromCharCode(c)) },
  { weight: 3, arbitrary: fc.string({ unit: 'grapheme-ascii', minLength: 1, maxLength: 1 }) },
);

/** A hostile string: short and dense with odd characters, or very long. */
export const hostileString: fc.Arbitrary<string> = fc.oneof(
  { weight: 8, arbitrary: fc.string({ unit, maxLength: 24 }) },
  {
    weight: 1,
    arbitrary: fc
      .tuple(
        fc.string({ unit, maxLength: 8 }),
        unit,
        fc.constantFrom(199, 200, 201, 255, 256, 1000, 1001, 2048, 40_000),
      )
      .map(([head, u, n]) => head + u.repeat(Math.ceil(n / u.length)).slice(0, n)),
  },
);

/** Printable text of any script, emoji and RTL marks included: what a valid request may carry. */
const mild = fc.string({ unit: 'grapheme', minLength: 1, maxLength: 30 });

/** Any JSON value, its strings and keys hostile. */
const hostileJson: fc.Arbitrary<unknown> = fc.letrec<{ value: unknown }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    hostileString,
    fc.integer(),
    fc.double({ noNaN: true, noDefaultInfinity: true }),
    fc.boolean(),
    fc.constant(null),
    fc.array(tie('value'), { maxLength: 4 }),
    fc.dictionary(hostileString, tie('value'), { maxKeys: 4 }),
  ),
})).value;

/** A value for a text field: hostile text, a valid value, or a value of a wrong type. */
function field<T>(valid: fc.Arbitrary<T>): fc.Arbitrary<unknown> {
  return fc.oneof(
    { weight: 4, arbitrary: hostileString },
    { weight: 4, arbitrary: valid },
    { weight: 1, arbitrary: hostileJson },
  );
}

const validUrl = fc.oneof(hostileString, mild).map((s) => `https://example.com/${s}`);
const eventType = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom(...EVENT_TYPES) },
  { weight: 1, arbitrary: hostileString },
);

/**
 * A type and its data: mostly the catalogue's sample for the type with text put in (a free-text
 * field, an extra key), so that many requests pass the schema and reach the database; or anything.
 */
const typedEvent = fc.oneof(
  {
    weight: 3,
    arbitrary: fc
      .tuple(
        fc.constantFrom(...EVENT_TYPES),
        fc.oneof(hostileString, mild),
        fc.oneof(hostileString, mild),
        fc.oneof(hostileJson, mild),
      )
      .map(([type, summary, extraKey, extra]) => {
        const data = sampleData(type) as unknown as Record<string, unknown>;
        return { type, data: { ...data, ...('summary' in data ? { summary } : {}), [extraKey]: extra } };
      }),
  },
  { weight: 1, arbitrary: fc.record({ type: eventType, data: hostileJson }) },
);

export interface Ids {
  accountId: string;
  endpointId: string;
  eventId: string;
  deliveryId: string;
  apiKeyId: string;
}

/** Percent-encodes any string, lone surrogates included (encodeURIComponent throws on those). */
export function encodePath(value: string): string {
  try {
    return encodeURIComponent(value);
  } catch {
    return [...Buffer.from(value, 'utf8')].map((b) => `%${b.toString(16).padStart(2, '0')}`).join('');
  }
}

/** A path segment: a real id, hostile text, or raw percent escapes that may not decode. */
function idSegment(real: string): fc.Arbitrary<string> {
  return fc.oneof(
    fc.constant(real),
    hostileString.map(encodePath),
    fc.constantFrom('%ff', '%00', '%', '%e2%80', `${real}%00`, 'ep_%F0%9F%99%82'),
  );
}

export type Auth = 'account' | 'admin' | 'hostile';

export interface HostileRequest {
  route: string;
  method: 'GET' | 'POST' | 'PATCH' | 'DELETE';
  url: string;
  auth: Auth;
  hostileAuth?: string;
  headers?: Record<string, string>;
  /** Serialised JSON (JSON.stringify escapes NUL and lone surrogates, so any value survives). */
  body?: string;
  /** What the request meant to store, to compare with what is read back after a 2xx. */
  sent?: Record<string, unknown>;
}

const json = (value: unknown) => JSON.stringify(value);
const maybe = <T>(arb: fc.Arbitrary<T>) => fc.option(arb, { nil: undefined, freq: 2 });
const sometimes = <T>(arb: fc.Arbitrary<T>) =>
  fc.oneof({ weight: 3, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary: arb });
const compact = (o: Record<string, unknown>) =>
  Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined));

function withBody(
  route: string,
  method: HostileRequest['method'],
  url: fc.Arbitrary<string>,
  body: fc.Arbitrary<Record<string, unknown>>,
  auth: Auth = 'account',
): fc.Arbitrary<HostileRequest> {
  return fc.tuple(url, body).map(([u, b]) => ({ route, method, url: u, auth, body: json(b), sent: b }));
}

/** Every route of the API, each with hostile values where its input goes. */
export function hostileRequest(ids: Ids): fc.Arbitrary<HostileRequest> {
  const endpointBody = fc
    .record({
      url: maybe(field(validUrl)),
      event_types: maybe(fc.oneof(fc.array(eventType, { minLength: 1, maxLength: 3 }), hostileJson)),
      description: maybe(field(fc.oneof(mild, fc.constant(null)))),
      rate_limit: maybe(fc.oneof(fc.integer({ min: -1, max: 20_000 }), hostileString, fc.constant(null))),
      max_concurrency: maybe(fc.oneof(fc.integer({ min: -1, max: 2_000 }), fc.constant(null))),
      enabled: maybe(fc.oneof(fc.boolean(), hostileString)),
      schema_version: maybe(field(fc.constantFrom(...SCHEMA_VERSIONS))),
    })
    .map(compact);
  const instant = fc.oneof(
    fc
      .date({ noInvalidDate: true, min: new Date('2000-01-01'), max: new Date('2100-01-01') })
      .map((d) => d.toISOString()),
    fc.constantFrom('2026-02-30T00:00:00Z', '0000-01-01T00:00:00Z', '2026-06-01'),
  );
  const planBody = fc
    .record({
      plan: maybe(
        fc.oneof(
          fc.constant(null),
          fc
            .record({
              name: field(mild),
              minutes_included: fc.oneof(fc.integer({ min: -1, max: 2_000_000_000 }), hostileString),
              period_start: maybe(field(instant)),
              period_end: maybe(field(instant)),
            })
            .map(compact),
          hostileJson,
        ),
      ),
      trial_ends_at: maybe(fc.oneof(field(instant), fc.constant(null))),
      default_schema_version: maybe(field(fc.constantFrom(...SCHEMA_VERSIONS))),
    })
    .map(compact);
  const filter = fc
    .record({
      status: sometimes(field(fc.constantFrom('pending', 'delivering', 'succeeded', 'dead', 'held'))),
      endpoint_id: sometimes(field(fc.constant(ids.endpointId))),
      event_type: sometimes(field(fc.constantFrom(...EVENT_TYPES))),
      since: sometimes(
        field(
          fc.constantFrom(
            '0000-01-01T00:00:00Z',
            '0001-01-01T00:30:00+01:00',
            '9999-12-31T23:59:59Z',
            '2026-02-30T00:00:00Z',
          ),
        ),
      ),
      until: sometimes(field(fc.date({ noInvalidDate: true }).map((d) => d.toISOString()))),
    })
    .map(compact);
  const cursor = fc.oneof(
    hostileString,
    fc
      .tuple(
        fc.oneof(hostileString, fc.constant('2026-01-01T00:00:00.000Z'), fc.constant('0000-01-01')),
        fc.oneof(hostileString, fc.uuid()),
      )
      .map(([time, id]) => Buffer.from(`${time}|${id}`).toString('base64url')),
  );
  const query = fc
    .tuple(filter, sometimes(field(fc.constantFrom('1', '250', '0', '1e3', '-1'))), sometimes(cursor))
    .map(([f, limit, c]) => {
      const params = Object.entries({ ...f, limit, cursor: c })
        .filter(([, v]) => v !== undefined)
        .map(([k, v]) => `${k}=${encodePath(typeof v === 'string' ? v : (JSON.stringify(v) ?? ''))}`);
      return params.length ? `?${params.join('&')}` : '';
    });
  const get = (route: string, url: fc.Arbitrary<string>) =>
    url.map((u): HostileRequest => ({ route, method: 'GET', url: u, auth: 'account' }));

  const routes: fc.Arbitrary<HostileRequest>[] = [
    withBody(
      'POST /v1/accounts',
      'POST',
      fc.constant('/v1/accounts'),
      fc
        .record({
          name: maybe(field(mild)),
          slack_webhook_url: maybe(field(validUrl)),
          pagerduty_routing_key: maybe(field(fc.constant('R0UT1NG'))),
        })
        .chain((base) => planBody.map((plan) => ({ ...base, ...plan })))
        .map(compact),
      'admin',
    ),
    withBody(
      'PATCH /v1/accounts/{id}',
      'PATCH',
      idSegment(ids.accountId).map((id) => `/v1/accounts/${id}`),
      planBody,
      'admin',
    ),
    get('GET /v1/account', fc.constant('/v1/account')),
    withBody(
      'PATCH /v1/account',
      'PATCH',
      fc.constant('/v1/account'),
      fc
        .record({
          slack_webhook_url: maybe(field(validUrl)),
          pagerduty_routing_key: maybe(field(fc.constant(null))),
        })
        .map(compact),
    ),
    withBody(
      'POST /v1/api-keys',
      'POST',
      fc.constant('/v1/api-keys'),
      fc.record({ name: field(mild), mode: maybe(field(fc.constantFrom('live', 'test'))) }).map(compact),
    ),
    get('GET /v1/api-keys', fc.constant('/v1/api-keys')),
    idSegment(ids.apiKeyId).map(
      (id): HostileRequest => ({
        route: 'DELETE /v1/api-keys/{id}',
        method: 'DELETE',
        url: `/v1/api-keys/${id}`,
        auth: 'account',
      }),
    ),
    withBody(
      'POST /v1/endpoints',
      'POST',
      fc.constant('/v1/endpoints'),
      fc
        .tuple(
          fc.record({
            url: field(validUrl),
            event_types: fc.oneof(
              { weight: 4, arbitrary: fc.subarray([...EVENT_TYPES], { minLength: 1 }) },
              { weight: 1, arbitrary: fc.array(eventType, { maxLength: 3 }) },
            ),
          }),
          endpointBody,
        )
        .map(([required, rest]) => ({ ...rest, ...required, enabled: undefined }))
        .map(compact),
    ),
    get('GET /v1/endpoints', fc.constant('/v1/endpoints')),
    get(
      'GET /v1/endpoints/{id}',
      idSegment(ids.endpointId).map((id) => `/v1/endpoints/${id}`),
    ),
    withBody(
      'PATCH /v1/endpoints/{id}',
      'PATCH',
      idSegment(ids.endpointId).map((id) => `/v1/endpoints/${id}`),
      endpointBody,
    ),
    withBody(
      'POST /v1/endpoints/{id}/rotate-secret',
      'POST',
      idSegment(ids.endpointId).map((id) => `/v1/endpoints/${id}/rotate-secret`),
      fc
        .record({ overlap_seconds: maybe(fc.oneof(fc.integer({ min: -1, max: 700_000 }), hostileString)) })
        .map(compact),
    ),
    withBody(
      'POST /v1/endpoints/{id}/test',
      'POST',
      idSegment(ids.endpointId).map((id) => `/v1/endpoints/${id}/test`),
      fc.record({ type: field(eventType) }),
    ),
    idSegment(`${ids.endpointId}x`).map(
      (id): HostileRequest => ({
        route: 'DELETE /v1/endpoints/{id}',
        method: 'DELETE',
        url: `/v1/endpoints/${id}`,
        auth: 'account',
      }),
    ),
    get(
      'GET /v1/event-types',
      sometimes(field(fc.constantFrom(...SCHEMA_VERSIONS))).map((v) =>
        v === undefined
          ? '/v1/event-types'
          : `/v1/event-types?version=${encodePath(typeof v === 'string' ? v : (json(v) ?? ''))}`,
      ),
    ),
    get('GET /v1/changelog.atom', fc.constant('/v1/changelog.atom')),
    withBody(
      'POST /v1/endpoints/{id}/preview',
      'POST',
      idSegment(ids.endpointId).map((id) => `/v1/endpoints/${id}/preview`),
      fc
        .record({
          type: field(fc.constantFrom(...EVENT_TYPES)),
          version: maybe(field(fc.constantFrom(...SCHEMA_VERSIONS))),
        })
        .map(compact),
    ),
    fc.tuple(typedEvent, maybe(field(fc.uuid()))).map(
      ([{ type, data }, key]): HostileRequest => ({
        route: 'POST /v1/events',
        method: 'POST',
        url: '/v1/events',
        auth: 'account',
        body: json({ type, data }),
        sent: { type, data },
        ...(key !== undefined
          ? { headers: { 'idempotency-key': typeof key === 'string' ? key : (json(key) ?? '') } }
          : {}),
      }),
    ),
    get(
      'GET /v1/events/{id}',
      idSegment(ids.eventId).map((id) => `/v1/events/${id}`),
    ),
    get(
      'GET /v1/events/{id}/deliveries',
      idSegment(ids.eventId).map((id) => `/v1/events/${id}/deliveries`),
    ),
    idSegment(`${ids.eventId}0`).map(
      (id): HostileRequest => ({
        route: 'DELETE /v1/events/{id}',
        method: 'DELETE',
        url: `/v1/events/${id}`,
        auth: 'account',
      }),
    ),
    get(
      'GET /v1/deliveries',
      query.map((q) => `/v1/deliveries${q}`),
    ),
    get(
      'GET /v1/deliveries/{id}',
      idSegment(ids.deliveryId).map((id) => `/v1/deliveries/${id}`),
    ),
    idSegment(ids.deliveryId).map(
      (id): HostileRequest => ({
        route: 'POST /v1/deliveries/{id}/replay',
        method: 'POST',
        url: `/v1/deliveries/${id}/replay`,
        auth: 'account',
      }),
    ),
    withBody('POST /v1/deliveries/replay', 'POST', fc.constant('/v1/deliveries/replay'), filter),
    fc.constant<HostileRequest>({
      route: 'DELETE /v1/test-data',
      method: 'DELETE',
      url: '/v1/test-data',
      auth: 'account',
    }),
  ];
  return fc
    .tuple(
      fc.oneof(...routes),
      // Mostly the account's key, so that most requests get past authentication.
      fc.oneof({ weight: 9, arbitrary: fc.constant(null) }, { weight: 1, arbitrary: hostileString }),
    )
    .map(([req, badAuth]) =>
      badAuth === null ? req : { ...req, auth: 'hostile' as const, hostileAuth: badAuth },
    );
}
