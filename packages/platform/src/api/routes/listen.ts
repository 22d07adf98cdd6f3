import { EVENT_TYPES, SCHEMA_VERSION } from '@bookflow/events';
import type { FastifyInstance } from 'fastify';
import { createEndpoint, getEndpoint } from '../../endpoints/endpoints.ts';
import { ApiError } from '../../errors/catalogue.ts';
import { extendCliEndpoint } from '../../listen/cli-endpoints.ts';
import { FORWARDED_DELIVERY_SCHEMA } from '../../listen/forwarded-delivery.ts';
import {
  REPORTED_ATTEMPT_SCHEMA,
  type ReportedAttempt,
  toAttemptResult,
} from '../../listen/reported-result.ts';
import { accountAuth } from '../auth.ts';
import type { RouteDeps } from '../deps.ts';
import { ENDPOINT_EXAMPLE, EXAMPLE_IDS } from '../docs/examples.ts';
import { allRequired, onlyFields } from '../docs/object-schema.ts';
import { type ById, idParam, operation } from '../docs/operation.ts';
import { eventStream, LISTEN_READY_SCHEMA } from '../docs/stream-schemas.ts';
import { assertValidEventTypes, versionMismatchProblem } from './endpoint-input.ts';

/** SSE comment lines keep proxies from closing a quiet stream. */
const HEARTBEAT_MS = 15_000;

const params = idParam('listen endpoint', EXAMPLE_IDS.endpoint);

const createListen = operation({
  operationId: 'createListenEndpoint',
  summary: 'Create an endpoint for `bookflow listen`',
  description:
    'An ephemeral endpoint of kind `cli`: its deliveries are not POSTed by the platform but handed to the CLI holding GET /v1/listen/{id}/stream, which POSTs them to `forward_to` on its own machine and reports each answer back. It expires a while after the last CLI disconnects (BOOKFLOW_LISTEN_ENDPOINT_TTL).',
  tag: 'Listen',
  auth: 'account',
  body: {
    ...onlyFields(
      {
        forward_to: {
          type: 'string',
          minLength: 1,
          maxLength: 2048,
          description: 'The local URL, shown on the endpoint',
        },
        event_types: {
          type: 'array',
          items: { type: 'string', maxLength: 100 },
          maxItems: 50,
          uniqueItems: true,
        },
      },
      ['forward_to'],
    ),
    examples: [{ forward_to: 'http://localhost:3000/webhooks', event_types: ['meeting.booked'] }],
  },
  ok: {
    status: 201,
    description: 'The endpoint with its signing secret (shown once)',
    schema: {
      allOf: [{ $ref: 'Endpoint#' }, allRequired({ secret: { type: 'string' } })],
    },
    example: {
      ...ENDPOINT_EXAMPLE,
      kind: 'cli',
      url: 'http://localhost:3000/webhooks',
      expires_at: '2026-11-30T09:05:00.000Z',
      secret: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw',
    },
  },
  problems: ['empty_event_types', 'unknown_event_type', 'endpoint_limit_reached'],
});

const stream = operation({
  operationId: 'streamListenDeliveries',
  summary: "Receive a listen endpoint's deliveries (server-sent events)",
  description:
    "While this stream is open, the endpoint's deliveries arrive as `delivery` events: POST `body` with exactly `headers` to the local URL, then report the answer to POST /v1/listen/{id}/results. Deliveries not reported when the stream closes go out again on the next connection.",
  tag: 'Listen',
  auth: 'account',
  params,
  ok: {
    status: 200,
    description: 'An event stream: `ready` once, then one `delivery` per attempt',
    contentType: 'text/event-stream',
    schema: eventStream({ ready: LISTEN_READY_SCHEMA, delivery: FORWARDED_DELIVERY_SCHEMA }),
    example:
      'event: ready\ndata: {"endpoint_id":"ep_2J8kYq3xVd0Lm4NbQ1rT","answer_timeout_ms":10000}\n\nevent: delivery\ndata: {"delivery_id":"0b9a6f5e-41c2-4d1e-9a7b-3c5d2e1f0a98","attempt":1,"headers":{},"body":"{}"}\n\n',
  },
});

const report = operation({
  operationId: 'reportListenResult',
  summary: 'Report the local answer to a forwarded delivery',
  description:
    'Recorded as the attempt: status, duration and body, with retries and dead letter as for any endpoint.',
  tag: 'Listen',
  auth: 'account',
  params,
  body: {
    ...REPORTED_ATTEMPT_SCHEMA,
    examples: [
      {
        delivery_id: EXAMPLE_IDS.delivery,
        attempt: 1,
        status_code: 200,
        duration_ms: 12,
        response_body_base64: 'b2s=',
      },
    ],
  },
  ok: { status: 204, description: 'Recorded' },
});

export function listenRoutes(app: FastifyInstance, deps: RouteDeps<'secretBox' | 'config' | 'listen'>): void {
  const hub = deps.listen;
  const onRequest = accountAuth(deps.db);
  const open = new Set<() => void>();
  // Open streams would keep the server from closing: end them first.
  app.addHook('preClose', async () => {
    for (const end of open) end();
  });

  app.post<{ Body: { forward_to: string; event_types?: string[] } }>(
    '/v1/listen',
    { onRequest, schema: createListen },
    async (request, reply) => {
      const types = request.body.event_types ?? [...EVENT_TYPES];
      assertValidEventTypes(types);
      await hub.sweep();
      const created = await createEndpoint(
        deps.db,
        deps.secretBox,
        request.accountId,
        // A developer's listener gets the newest version, where every type exists.
        {
          url: request.body.forward_to,
          event_types: types,
          description: 'bookflow listen',
          schema_version: SCHEMA_VERSION,
        },
        deps.config.maxEndpointsPerAccount,
        { expiresAt: new Date(Date.now() + deps.config.listenEndpointTtlMs) },
      );
      if (!created.ok && created.reason === 'type_not_in_version') throw versionMismatchProblem(created);
      if (!created.ok) {
        throw new ApiError(
          'endpoint_limit_reached',
          `the account has ${created.limit} endpoints, the most allowed; delete one first (listen endpoints expire on their own)`,
        );
      }
      const { endpoint } = created;
      request.log.info({ endpoint_id: endpoint.id }, 'listen endpoint created');
      return reply.code(201).send({
        id: endpoint.id,
        kind: endpoint.kind,
        url: endpoint.url,
        description: endpoint.description,
        event_types: endpoint.event_types,
        enabled: endpoint.status === 'enabled',
        expires_at: endpoint.expires_at?.toISOString() ?? null,
        created_at: endpoint.created_at.toISOString(),
        updated_at: endpoint.updated_at.toISOString(),
        secret: endpoint.secret,
      });
    },
  );

  app.get<ById>('/v1/listen/:id/stream', { onRequest, schema: stream }, async (request, reply) => {
    const endpoint = await getEndpoint(deps.db, request.accountId, request.params.id);
    if (endpoint?.kind !== 'cli') throw new ApiError('not_found', 'no listen endpoint with this id');
    await extendCliEndpoint(deps.db, endpoint.id, deps.config.listenEndpointTtlMs);
    reply.hijack();
    const raw = reply.raw;
    raw.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache',
      'x-accel-buffering': 'no',
    });
    const send = (event: string, data: unknown) =>
      raw.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
    const session = await hub.open({ id: endpoint.id, accountId: request.accountId }, (d) =>
      send('delivery', d),
    );
    send('ready', { endpoint_id: endpoint.id, answer_timeout_ms: hub.settings.answerTimeoutMs });
    request.log.info({ endpoint_id: endpoint.id }, 'listen stream opened');
    const heartbeat = setInterval(() => raw.write(': keep-alive\n\n'), HEARTBEAT_MS);
    const end = () => raw.end();
    open.add(end);
    raw.on('close', () => {
      clearInterval(heartbeat);
      open.delete(end);
      void hub.release(session);
      request.log.info({ endpoint_id: endpoint.id }, 'listen stream closed');
    });
  });

  app.post<ById & { Body: ReportedAttempt }>(
    '/v1/listen/:id/results',
    { onRequest, schema: report },
    async (request, reply) => {
      const session = hub.find(request.accountId, request.params.id);
      const result = toAttemptResult(request.body, deps.config.maxResponseBytes);
      if (!session?.report(request.body.delivery_id, request.body.attempt, result)) {
        throw new ApiError(
          'not_found',
          'no forwarded delivery with this id and attempt awaits an answer on this stream (it timed out, or the stream closed and it will be sent again)',
        );
      }
      return reply.code(204).send();
    },
  );
}
