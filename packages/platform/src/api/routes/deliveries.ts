import { EVENT_TYPES } from '@bookflow/events';
import type { FastifyInstance } from 'fastify';
import type { DeliveryFilter } from '../../delivery-log/filters.ts';
import { attemptsPage, getDelivery, listDeliveries, recentAttemptsOf } from '../../delivery-log/read.ts';
import { type ReplayResult, replayDelivery, replayMatching } from '../../delivery-log/replay.ts';
import { ApiError } from '../../errors/catalogue.ts';
import { accountAuth } from '../auth.ts';
import type { RouteDeps } from '../deps.ts';
import {
  ATTEMPT_EXAMPLE,
  DELIVERY_EXAMPLE,
  DELIVERY_WITH_ATTEMPTS_EXAMPLE,
  EXAMPLE_IDS,
} from '../docs/examples.ts';
import { allRequired, onlyFields } from '../docs/object-schema.ts';
import { type ById, idParam, itemRoute, operation } from '../docs/operation.ts';
import { inputTime, pageOf } from '../docs/schemas.ts';
import {
  decodeAttemptCursor,
  decodeCursor,
  encodeAttemptCursor,
  encodeCursor,
  isUuid,
  PAGE_FIELDS,
  PAGE_QUERY,
  parseLimit,
} from '../pagination.ts';
import { presentAttempt, presentDelivery, presentDeliveryWithAttempts } from './presenters.ts';
import { type ProblemTable, problemFor } from './problem-table.ts';

/** Newest attempts shown with a delivery; older ones are at /v1/deliveries/{id}/attempts. */
const ATTEMPTS_SHOWN_WITH_DELIVERY = 25;

const filterProps = {
  status: { type: 'string', enum: ['pending', 'delivering', 'succeeded', 'dead', 'held'] },
  endpoint_id: { type: 'string', pattern: '^ep_[A-Za-z0-9_-]{1,64}$' },
  event_type: { type: 'string', enum: [...EVENT_TYPES] },
  since: inputTime,
  until: inputTime,
} as const;

export function deliveryRoutes(app: FastifyInstance, deps: RouteDeps<'config'>): void {
  const onRequest = accountAuth(deps.db);

  app.get<{ Querystring: DeliveryFilter & { limit?: string; cursor?: string } }>(
    '/v1/deliveries',
    {
      onRequest,
      schema: operation({
        operationId: 'listDeliveries',
        summary: 'List deliveries',
        description: "Newest first; filters on the event's acceptance time are `[since, until)`.",
        tag: 'Deliveries',
        auth: 'account',
        querystring: onlyFields({ ...filterProps, ...PAGE_FIELDS }),
        ok: {
          status: 200,
          description: 'A page of deliveries',
          schema: pageOf('Delivery'),
          example: { data: [DELIVERY_EXAMPLE], next_cursor: null },
        },
      }),
    },
    async (request) => {
      const { limit: rawLimit, cursor, ...filter } = request.query;
      const limit = parseLimit(rawLimit);
      const before = decodeCursor(cursor);
      if (before && !isUuid(before.id)) {
        throw new ApiError('validation_failed', 'cursor is not one this API returned');
      }
      const rows = await listDeliveries(deps.db, request.accountId, filter, { limit, before });
      const last = rows.at(-1);
      return {
        data: rows.map(presentDelivery),
        next_cursor: rows.length === limit && last ? encodeCursor(last.created_at, last.id) : null,
      };
    },
  );

  const item = itemRoute('Deliveries', idParam('delivery', EXAMPLE_IDS.delivery));
  const show = operation({
    operationId: 'getDelivery',
    summary: 'Show a delivery with its attempts',
    description: `Its ${ATTEMPTS_SHOWN_WITH_DELIVERY} newest attempts, oldest first; the rest at /v1/deliveries/{id}/attempts.`,
    ...item,
    ok: {
      status: 200,
      description: 'The delivery',
      schema: { $ref: 'DeliveryWithAttempts#' },
      example: DELIVERY_WITH_ATTEMPTS_EXAMPLE,
    },
  });
  app.get<ById>('/v1/deliveries/:id', { onRequest, schema: show }, async (request) => {
    const delivery = isUuid(request.params.id)
      ? await getDelivery(deps.db, request.accountId, request.params.id)
      : null;
    if (!delivery) throw new ApiError('not_found', 'no delivery with this id');
    return presentDeliveryWithAttempts(
      delivery,
      await recentAttemptsOf(deps.db, [delivery.id], ATTEMPTS_SHOWN_WITH_DELIVERY),
    );
  });

  app.get<ById & { Querystring: { limit?: string; cursor?: string } }>(
    '/v1/deliveries/:id/attempts',
    {
      onRequest,
      schema: operation({
        operationId: 'listDeliveryAttempts',
        summary: "List a delivery's attempts",
        description: 'Every attempt of every series, newest first.',
        ...item,
        querystring: PAGE_QUERY,
        ok: {
          status: 200,
          description: 'A page of attempts',
          schema: pageOf('Attempt'),
          example: { data: [ATTEMPT_EXAMPLE], next_cursor: null },
        },
      }),
    },
    async (request) => {
      const limit = parseLimit(request.query.limit, ATTEMPTS_SHOWN_WITH_DELIVERY, 100);
      const beforeId = decodeAttemptCursor(request.query.cursor);
      const delivery = isUuid(request.params.id)
        ? await getDelivery(deps.db, request.accountId, request.params.id)
        : null;
      if (!delivery) throw new ApiError('not_found', 'no delivery with this id');
      const rows = await attemptsPage(deps.db, delivery.id, { limit, beforeId });
      const last = rows.at(-1);
      return {
        data: rows.map(presentAttempt),
        next_cursor: rows.length === limit && last ? encodeAttemptCursor(last.id) : null,
      };
    },
  );

  const replayOne = operation({
    operationId: 'replayDelivery',
    summary: 'Replay a delivery',
    description: 'A fresh series of attempts for a finished (`dead` or `succeeded`) delivery.',
    ...item,
    ok: {
      status: 202,
      description: 'Queued',
      schema: allRequired({ id: { type: 'string' }, status: { type: 'string', enum: ['pending'] } }),
      example: { id: EXAMPLE_IDS.delivery, status: 'pending' },
    },
    problems: ['delivery_in_progress', 'event_erased', 'endpoint_disabled'],
  });
  app.post<ById>('/v1/deliveries/:id/replay', { onRequest, schema: replayOne }, async (request, reply) => {
    const result = isUuid(request.params.id)
      ? await replayDelivery(deps.db, request.accountId, request.params.id)
      : ({ ok: false, reason: 'not_found' } as const);
    if (!result.ok) throw problemFor(REPLAY_PROBLEMS, result);
    request.log.info({ delivery_id: request.params.id }, 'delivery replay queued');
    return reply.code(202).send({ id: request.params.id, status: 'pending' });
  });

  app.post<{ Body: DeliveryFilter | null }>(
    '/v1/deliveries/replay',
    {
      onRequest,
      schema: operation({
        operationId: 'replayDeliveries',
        summary: 'Replay deliveries in bulk',
        description:
          'Replays the deliveries the filters match (no body: every dead letter), oldest first, up to a maximum per call; `has_more: true` says to call again.',
        tag: 'Deliveries',
        auth: 'account',
        body: {
          // No body at all means every dead letter, like an empty object.
          type: ['object', 'null'],
          additionalProperties: false,
          properties: { ...filterProps, status: { type: 'string', enum: ['dead', 'succeeded'] } },
          examples: [{ status: 'dead', endpoint_id: EXAMPLE_IDS.endpoint, since: '2026-11-30T00:00:00Z' }],
        },
        ok: {
          status: 202,
          description: 'How many deliveries were queued',
          schema: allRequired({ queued: { type: 'integer' }, has_more: { type: 'boolean' } }),
          example: { queued: 1000, has_more: false },
        },
        problems: ['bulk_replay_rate_limited'],
      }),
    },
    async (request, reply) => {
      const filter = request.body ?? {};
      const result = await replayMatching(deps.db, request.accountId, filter, {
        perMinute: deps.config.bulkReplaysPerMinute,
        maxRows: deps.config.bulkReplayMaxRows,
      });
      if (!result.ok) {
        reply.header('retry-after', String(result.retryAfterSeconds));
        throw new ApiError(
          'bulk_replay_rate_limited',
          `at most ${deps.config.bulkReplaysPerMinute} bulk replays per minute per account; retry in ${result.retryAfterSeconds} s`,
          { retry_after_seconds: result.retryAfterSeconds },
        );
      }
      request.log.info({ queued: result.queued, has_more: result.hasMore, filter }, 'bulk replay queued');
      return reply.code(202).send({ queued: result.queued, has_more: result.hasMore });
    },
  );
}

type ReplayRefusal = Exclude<ReplayResult, { ok: true }>;

const REPLAY_PROBLEMS: ProblemTable<ReplayRefusal> = {
  not_found: () => new ApiError('not_found', 'no delivery with this id'),
  in_progress: (refusal) =>
    new ApiError(
      'delivery_in_progress',
      refusal.trigger === 'manual'
        ? `an earlier replay of this delivery (series ${refusal.series}) is still ${refusal.status}; replay it again once that series ends`
        : `the delivery is ${refusal.status}; it cannot be replayed until it ends`,
      { series: refusal.series },
    ),
  event_erased: () => new ApiError('event_erased', 'the event payload was erased; there is nothing to send'),
  endpoint_disabled: () =>
    new ApiError(
      'endpoint_disabled',
      'the endpoint is disabled; enable it (PATCH enabled: true) to release its held deliveries',
    ),
};
