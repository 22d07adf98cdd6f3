import { catalogue, EVENT_TYPES, SCHEMA_VERSION } from '@bookflow/events';
import type { FastifyInstance } from 'fastify';
import { deliveriesOfEvent, recentAttemptsOf } from '../../delivery-log/read.ts';
import { ApiError } from '../../errors/catalogue.ts';
import { PublishBatcher } from '../../events/publish-batcher.ts';
import { getEvent, listEvents } from '../../events/read.ts';
import { checkEvent } from '../../events/validation.ts';
import { eraseEvent } from '../../retention/purge.ts';
import { tracePublish } from '../../tracing/publish-span.ts';
import { accountAuth } from '../auth.ts';
import type { RouteDeps } from '../deps.ts';
import { DELIVERY_WITH_ATTEMPTS_EXAMPLE, EXAMPLE_IDS } from '../docs/examples.ts';
import { allRequired, onlyFields, optionalFields } from '../docs/object-schema.ts';
import { type ById, idParam, itemRoute, operation } from '../docs/operation.ts';
import { inputTime, listOf } from '../docs/schemas.ts';
import { decodeCursor, encodeCursor, isUuid, PAGE_FIELDS, parseLimit } from '../pagination.ts';
import { publishAdmission } from '../publish-admission.ts';
import { eventCheckProblem, publishProblem } from './event-problems.ts';
import { presentDeliveryWithAttempts } from './presenters.ts';

/**
 * Attempts shown per delivery here: an event has one delivery per subscribed endpoint (up to the
 * endpoint limit), so this keeps the answer bounded; the rest are at /v1/deliveries/{id}/attempts.
 */
const ATTEMPTS_PER_DELIVERY_OF_EVENT = 10;

export function eventRoutes(app: FastifyInstance, deps: RouteDeps<'metrics' | 'config'>): void {
  const publisher = new PublishBatcher(deps.db);
  const onRequest = accountAuth(deps.db);
  const admit = publishAdmission(deps.config.maxPendingPublishes);

  app.post<{ Body: { type: string; data: Record<string, unknown> } }>(
    '/v1/events',
    {
      onRequest: [admit, onRequest],
      config: { eventDataProperty: 'data' },
      schema: operation({
        operationId: 'publishEvent',
        summary: 'Publish an event',
        description:
          "Validates `data` against the type's JSON Schema, then stores the event and one delivery per subscribed endpoint; answers after they are committed. A repeated `Idempotency-Key` returns the first answer.",
        tag: 'Events',
        auth: 'account',
        headers: optionalFields({ 'idempotency-key': { type: 'string', minLength: 1, maxLength: 255 } }),
        body: {
          ...onlyFields(
            {
              type: { type: 'string', maxLength: 100 },
              data: { type: 'object', additionalProperties: true },
            },
            ['type', 'data'],
          ),
          examples: [{ type: 'meeting.booked', data: catalogue['meeting.booked'].example }],
        },
        ok: {
          status: 202,
          description: 'Accepted: the event and its deliveries are committed',
          schema: allRequired({ id: { type: 'string' } }),
          example: { id: EXAMPLE_IDS.event },
        },
        problems: [
          'unknown_event_type',
          'invalid_event_data',
          'idempotency_key_reused',
          'event_refused',
          'duplicate_header',
        ],
      }),
    },
    async (request, reply) => {
      const started = performance.now();
      const { data } = request.body;
      const check = checkEvent(request.body.type, data);
      if (!check.ok) throw eventCheckProblem(check);
      const { type } = check;
      const idempotencyKey = request.headers['idempotency-key'] as string | undefined;
      const result = await tracePublish(type, (traceparent) =>
        publisher.publish({ accountId: request.accountId, type, data, idempotencyKey, traceparent }),
      );
      if (!result.ok) throw publishProblem(result);
      if (result.created) deps.metrics.eventsPublished.inc({ type });
      deps.metrics.publishDuration.observe(
        { outcome: result.created ? 'created' : 'replayed' },
        (performance.now() - started) / 1000,
      );
      request.log.info(
        { event_id: result.id, type, deliveries: result.deliveries, replayed: !result.created },
        'event accepted',
      );
      if (!result.created) reply.header('idempotent-replayed', 'true');
      return reply.code(202).send({ id: result.id });
    },
  );

  const list = operation({
    operationId: 'listEvents',
    summary: 'List events',
    description:
      'Newest first, without their payloads; `since` and `until` are on the acceptance time, `[since, until)`.',
    tag: 'Events',
    auth: 'account',
    querystring: onlyFields({
      type: { type: 'string', enum: [...EVENT_TYPES] },
      // Years from 1000, as the delivery filters.
      since: inputTime,
      until: inputTime,
      ...PAGE_FIELDS,
    }),
    ok: {
      status: 200,
      description: 'A page of events',
      schema: allRequired({
        data: {
          type: 'array',
          items: allRequired({
            id: { type: 'string' },
            type: { type: 'string' },
            schema_version: { type: 'string' },
            created_at: { type: 'string', format: 'date-time' },
            erased_at: { type: ['string', 'null'], format: 'date-time' },
          }),
        },
        next_cursor: { type: ['string', 'null'] },
      }),
      example: {
        data: [
          {
            id: EXAMPLE_IDS.event,
            type: 'meeting.booked',
            schema_version: SCHEMA_VERSION,
            created_at: '2026-11-30T09:01:00.000Z',
            erased_at: null,
          },
        ],
        next_cursor: null,
      },
    },
  });
  app.get<{
    Querystring: { type?: string; since?: string; until?: string; limit?: string; cursor?: string };
  }>('/v1/events', { onRequest, schema: list }, async (request) => {
    const { limit: rawLimit, cursor, ...filter } = request.query;
    const limit = parseLimit(rawLimit);
    const rows = await listEvents(deps.db, request.accountId, filter, {
      limit,
      before: decodeCursor(cursor),
    });
    const last = rows.at(-1);
    return {
      data: rows.map((e) => ({
        id: e.id,
        type: e.type,
        schema_version: e.schema_version,
        created_at: e.created_at.toISOString(),
        erased_at: e.erased_at?.toISOString() ?? null,
      })),
      next_cursor: rows.length === limit && last ? encodeCursor(last.created_at, last.id) : null,
    };
  });

  const item = itemRoute('Events', idParam('event', EXAMPLE_IDS.event));
  const show = operation({
    operationId: 'getEvent',
    summary: 'Show an event',
    description: 'The envelope as delivered (`data: null` and `erased_at` once erased).',
    ...item,
    ok: {
      status: 200,
      description: 'The envelope',
      schema: { $ref: 'Envelope#' },
      example: {
        id: EXAMPLE_IDS.event,
        type: 'meeting.booked',
        created_at: '2026-11-30T09:01:00.000Z',
        account_id: EXAMPLE_IDS.account,
        schema_version: SCHEMA_VERSION,
        data: catalogue['meeting.booked'].example,
      },
    },
  });
  app.get<ById>('/v1/events/:id', { onRequest, schema: show }, async (request) => {
    const event = isUuid(request.params.id)
      ? await getEvent(deps.db, request.accountId, request.params.id)
      : null;
    if (!event) throw new ApiError('not_found', 'no event with this id');
    if (event.body === null) {
      return {
        id: event.id,
        type: event.type,
        created_at: event.created_at.toISOString(),
        account_id: event.account_id,
        schema_version: event.schema_version,
        data: null,
        source: event.source,
        erased_at: event.erased_at?.toISOString() ?? null,
      };
    }
    // The stored envelope, plus where it came from (not part of what endpoints receive).
    return { ...JSON.parse(event.body), source: event.source };
  });

  const erase = operation({
    operationId: 'eraseEvent',
    summary: "Erase an event's payload",
    description:
      "Deletes `data` and the attempts' response bodies (GDPR); the audit row stays. Deliveries not yet sent end as dead.",
    ...item,
    ok: { status: 204, description: 'Erased' },
  });
  app.delete<ById>('/v1/events/:id', { onRequest, schema: erase }, async (request, reply) => {
    const erased =
      isUuid(request.params.id) && (await eraseEvent(deps.db, request.accountId, request.params.id));
    if (!erased) throw new ApiError('not_found', 'no event with this id');
    request.log.info({ event_id: request.params.id }, 'event payload erased on request');
    return reply.code(204).send();
  });

  const deliveries = operation({
    operationId: 'listEventDeliveries',
    summary: "List an event's deliveries",
    description: `One per subscribed endpoint, each with its ${ATTEMPTS_PER_DELIVERY_OF_EVENT} newest attempts.`,
    ...item,
    ok: {
      status: 200,
      description: 'The deliveries',
      schema: listOf('DeliveryWithAttempts'),
      example: { data: [DELIVERY_WITH_ATTEMPTS_EXAMPLE] },
    },
  });
  app.get<ById>('/v1/events/:id/deliveries', { onRequest, schema: deliveries }, async (request) => {
    const event = isUuid(request.params.id)
      ? await getEvent(deps.db, request.accountId, request.params.id)
      : null;
    if (!event) throw new ApiError('not_found', 'no event with this id');
    const deliveries = await deliveriesOfEvent(deps.db, request.accountId, event.id);
    const recent = await recentAttemptsOf(
      deps.db,
      deliveries.map((d) => d.id),
      ATTEMPTS_PER_DELIVERY_OF_EVENT,
    );
    return { data: deliveries.map((d) => presentDeliveryWithAttempts(d, recent)) };
  });
}
