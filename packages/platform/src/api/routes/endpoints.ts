import { SCHEMA_VERSIONS } from '@bookflow/events';
import type { FastifyInstance } from 'fastify';
import {
  createEndpoint,
  deleteEndpoint,
  type Endpoint,
  type EndpointPatch,
  getEndpoint,
  listEndpoints,
  updateEndpoint,
} from '../../endpoints/endpoints.ts';
import { ENDPOINT_LIMIT_PROPERTIES, type EndpointLimits } from '../../endpoints/limits.ts';
import { MAX_ACTIVE_SECRETS, rotateSecret } from '../../endpoints/secrets.ts';
import { ApiError } from '../../errors/catalogue.ts';
import { isPrefixedId } from '../../ids/ids.ts';
import { accountAuth } from '../auth.ts';
import type { RouteDeps } from '../deps.ts';
import { ENDPOINT_EXAMPLE, EXAMPLE_IDS } from '../docs/examples.ts';
import { allRequired, onlyFields } from '../docs/object-schema.ts';
import { type ById, itemRoute, operation } from '../docs/operation.ts';
import { ENDPOINT_ID_PARAM, pageOf } from '../docs/schemas.ts';
import { decodeCursor, encodeCursor, PAGE_QUERY, parseLimit } from '../pagination.ts';
import { assertValidEventTypes, assertValidUrl, versionMismatchProblem } from './endpoint-input.ts';

const MAX_URL_LENGTH = 2048;
const ENDPOINTS_PAGE_DEFAULT = 100;

/** Never includes the secret: it is shown once, at creation. */
function present(endpoint: Endpoint) {
  return {
    id: endpoint.id,
    kind: endpoint.kind,
    url: endpoint.url,
    description: endpoint.description,
    event_types: endpoint.event_types,
    schema_version: endpoint.schema_version,
    enabled: endpoint.status === 'enabled',
    disabled_reason: endpoint.disabled_reason,
    rate_limit: endpoint.rate_limit,
    max_concurrency: endpoint.max_concurrency,
    failing_since: endpoint.failing_since?.toISOString() ?? null,
    disabled_at: endpoint.disabled_at?.toISOString() ?? null,
    expires_at: endpoint.expires_at?.toISOString() ?? null,
    created_at: endpoint.created_at.toISOString(),
    updated_at: endpoint.updated_at.toISOString(),
  };
}

const SECRET_EXAMPLE = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
const WITH_SECRET = {
  allOf: [{ $ref: 'Endpoint#' }, allRequired({ secret: { type: 'string' } })],
};
const ROTATED = allRequired({
  id: { type: 'string' },
  secret: { type: 'string' },
  previous_secret_expires_at: { type: 'string', format: 'date-time' },
});

const bodyProps = {
  url: { type: 'string', minLength: 1, maxLength: MAX_URL_LENGTH },
  event_types: { type: 'array', items: { type: 'string', maxLength: 100 }, maxItems: 50, uniqueItems: true },
  description: { type: ['string', 'null'], maxLength: 1000 },
  schema_version: { type: 'string', enum: [...SCHEMA_VERSIONS] },
  ...ENDPOINT_LIMIT_PROPERTIES,
} as const;

export function endpointRoutes(app: FastifyInstance, deps: RouteDeps<'secretBox' | 'config'>): void {
  const onRequest = accountAuth(deps.db);
  const policy = {
    allowPrivate: deps.config.allowPrivateDestinations,
    requireHttps: deps.config.requireHttps,
  };

  app.post<{
    Body: {
      url: string;
      event_types: string[];
      description?: string | null;
      schema_version?: (typeof SCHEMA_VERSIONS)[number];
    } & Partial<EndpointLimits>;
  }>(
    '/v1/endpoints',
    {
      onRequest,
      schema: operation({
        operationId: 'createEndpoint',
        summary: 'Create an endpoint',
        description: 'Subscribes a URL to event types. The signing secret is in this answer only.',
        tag: 'Endpoints',
        auth: 'account',
        body: {
          ...onlyFields(bodyProps, ['url', 'event_types']),
          examples: [{ url: ENDPOINT_EXAMPLE.url, event_types: ENDPOINT_EXAMPLE.event_types }],
        },
        ok: {
          status: 201,
          description: 'The endpoint, with its signing secret (shown once)',
          schema: WITH_SECRET,
          example: { ...ENDPOINT_EXAMPLE, secret: SECRET_EXAMPLE },
        },
        problems: [
          'invalid_url',
          'empty_event_types',
          'unknown_event_type',
          'endpoint_limit_reached',
          'event_type_not_in_version',
        ],
      }),
    },
    async (request, reply) => {
      assertValidUrl(request.body.url, policy);
      assertValidEventTypes(request.body.event_types);
      const created = await createEndpoint(
        deps.db,
        deps.secretBox,
        request.accountId,
        request.body,
        deps.config.maxEndpointsPerAccount,
      );
      if (!created.ok && created.reason === 'type_not_in_version') throw versionMismatchProblem(created);
      if (!created.ok) {
        throw new ApiError(
          'endpoint_limit_reached',
          `the account has ${created.limit} endpoints, the most allowed; delete one first (the limit is BOOKFLOW_MAX_ENDPOINTS_PER_ACCOUNT)`,
          { limit: created.limit },
        );
      }
      const { endpoint } = created;
      request.log.info({ endpoint_id: endpoint.id }, 'endpoint created');
      return reply.code(201).send({ ...present(endpoint), secret: endpoint.secret });
    },
  );

  app.get<{ Querystring: { limit?: string; cursor?: string } }>(
    '/v1/endpoints',
    {
      onRequest,
      schema: operation({
        operationId: 'listEndpoints',
        summary: "List the account's endpoints",
        description: 'Oldest first; never their secrets.',
        tag: 'Endpoints',
        auth: 'account',
        querystring: PAGE_QUERY,
        ok: {
          status: 200,
          description: 'A page of endpoints',
          schema: pageOf('Endpoint'),
          example: { data: [ENDPOINT_EXAMPLE], next_cursor: null },
        },
      }),
    },
    async (request) => {
      // The default page holds every endpoint an account may have by default, so clients written
      // before pagination still see them all in one answer.
      const limit = parseLimit(request.query.limit, ENDPOINTS_PAGE_DEFAULT);
      const rows = await listEndpoints(deps.db, request.accountId, {
        limit,
        after: decodeCursor(request.query.cursor, (id) => isPrefixedId(id, 'ep')),
      });
      const last = rows.at(-1);
      return {
        data: rows.map(present),
        next_cursor: rows.length === limit && last ? encodeCursor(last.created_at, last.id) : null,
      };
    },
  );

  const item = itemRoute('Endpoints', ENDPOINT_ID_PARAM);
  const one = {
    status: 200,
    description: 'The endpoint',
    schema: { $ref: 'Endpoint#' },
    example: ENDPOINT_EXAMPLE,
  } as const;

  const show = operation({
    operationId: 'getEndpoint',
    summary: 'Show an endpoint',
    ...item,
    ok: one,
  });
  app.get<ById>('/v1/endpoints/:id', { onRequest, schema: show }, async (request) => {
    const endpoint = await getEndpoint(deps.db, request.accountId, request.params.id);
    if (!endpoint) throw new ApiError('not_found', 'no endpoint with this id');
    return present(endpoint);
  });

  app.patch<ById & { Body: EndpointPatch }>(
    '/v1/endpoints/:id',
    {
      onRequest,
      schema: operation({
        operationId: 'updateEndpoint',
        summary: 'Update an endpoint',
        description: '`enabled: false` holds its deliveries; `enabled: true` releases them in order.',
        ...item,
        body: {
          type: 'object',
          additionalProperties: false,
          minProperties: 1,
          properties: { ...bodyProps, enabled: { type: 'boolean' } },
          examples: [{ event_types: ['meeting.booked', 'meeting.canceled'], enabled: true }],
        },
        ok: one,
        problems: ['invalid_url', 'empty_event_types', 'unknown_event_type', 'event_type_not_in_version'],
      }),
    },
    async (request) => {
      if (request.body.url !== undefined) assertValidUrl(request.body.url, policy);
      if (request.body.event_types !== undefined) assertValidEventTypes(request.body.event_types);
      const updated = await updateEndpoint(deps.db, request.accountId, request.params.id, request.body);
      if (!updated.ok && updated.reason === 'not_found')
        throw new ApiError('not_found', 'no endpoint with this id');
      if (!updated.ok) throw versionMismatchProblem(updated);
      return present(updated.endpoint);
    },
  );

  app.post<ById & { Body: { overlap_seconds?: number } | undefined }>(
    '/v1/endpoints/:id/rotate-secret',
    {
      onRequest,
      schema: operation({
        operationId: 'rotateEndpointSecret',
        summary: "Rotate an endpoint's signing secret",
        description:
          'The previous secret keeps signing beside the new one until `previous_secret_expires_at`.',
        ...item,
        body: {
          type: ['object', 'null'],
          additionalProperties: false,
          properties: { overlap_seconds: { type: 'integer', minimum: 0, maximum: 7 * 86_400 } },
          examples: [{ overlap_seconds: 3600 }],
        },
        ok: {
          status: 201,
          description: 'The new secret (shown once)',
          schema: ROTATED,
          example: {
            id: EXAMPLE_IDS.endpoint,
            secret: SECRET_EXAMPLE,
            previous_secret_expires_at: '2026-12-01T09:00:00.000Z',
          },
        },
        problems: ['too_many_active_secrets'],
      }),
    },
    async (request, reply) => {
      const overlapMs = (request.body?.overlap_seconds ?? deps.config.rotationOverlapMs / 1000) * 1000;
      const rotated = await deps.db.transaction(async (tx) => {
        const endpoint = await getEndpoint(tx, request.accountId, request.params.id);
        return endpoint ? rotateSecret(tx, deps.secretBox, endpoint.id, overlapMs) : null;
      });
      if (!rotated) throw new ApiError('not_found', 'no endpoint with this id');
      if (!rotated.ok) {
        const wait = rotated.nextExpiry ? `, or wait until ${rotated.nextExpiry.toISOString()}` : '';
        throw new ApiError(
          'too_many_active_secrets',
          `this endpoint already has ${rotated.active} active secrets (the most allowed is ${MAX_ACTIVE_SECRETS}); ` +
            `rotate with {"overlap_seconds": 0} to retire every previous secret now${wait}, when the oldest stops signing`,
        );
      }
      request.log.info({ endpoint_id: request.params.id, overlap_ms: overlapMs }, 'endpoint secret rotated');
      return reply.code(201).send({
        id: request.params.id,
        secret: rotated.secret,
        previous_secret_expires_at: rotated.previousExpiresAt.toISOString(),
      });
    },
  );

  const remove = operation({
    operationId: 'deleteEndpoint',
    summary: 'Delete an endpoint',
    description: 'Its deliveries end as dead (`endpoint_deleted`); history stays queryable.',
    ...item,
    ok: { status: 204, description: 'Deleted' },
  });
  app.delete<ById>('/v1/endpoints/:id', { onRequest, schema: remove }, async (request, reply) => {
    const deleted = await deleteEndpoint(deps.db, request.accountId, request.params.id);
    if (!deleted) throw new ApiError('not_found', 'no endpoint with this id');
    return reply.code(204).send();
  });
}
