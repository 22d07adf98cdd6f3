import { EVENT_TYPES } from '@bookflow/events';
import type { Db } from '@bookflow/pg';
import type { FastifyInstance } from 'fastify';
import type { PlatformConfig } from '../../config/config.ts';
import type { DeliveryFilter } from '../../delivery-log/filters.ts';
import { attemptsPage, getDelivery, listDeliveries, recentAttemptsOf } from '../../delivery-log/read.ts';
import { type ReplayResult, replayDelivery, replayMatching } from '../../delivery-log/replay.ts';
import { ApiError } from '../../errors/catalogue.ts';
import { accountAuth } from '../auth.ts';
import {
  decodeAttemptCursor,
  decodeCursor,
  encodeAttemptCursor,
  encodeCursor,
  isUuid,
  PAGE_QUERY,
  parseLimit,
} from '../pagination.ts';
import { presentAttempt, presentDelivery, presentDeliveryWithAttempts } from './presenters.ts';

/** Newest attempts shown with a delivery; older ones are at /v1/deliveries/{id}/attempts. */
const ATTEMPTS_SHOWN_WITH_DELIVERY = 25;

const filterProps = {
  status: { type: 'string', enum: ['pending', 'delivering', 'succeeded', 'dead', 'held'] },
  endpoint_id: { type: 'string', pattern: '^ep_[A-Za-z0-9_-]{1,64}$' },
  event_type: { type: 'string', enum: [...EVENT_TYPES] },
  // Years from 1000: year 0 (which an offset can also reach from year 1) fails inside PGlite.
  since: { type: 'string', format: 'date-time', pattern: '^[1-9]' },
  until: { type: 'string', format: 'date-time', pattern: '^[1-9]' },
} as const;

export function deliveryRoutes(app: FastifyInstance, deps: { db: Db; config: PlatformConfig }): void {
  const onRequest = accountAuth(deps.db);

  app.get<{ Querystring: DeliveryFilter & { limit?: string; cursor?: string } }>(
    '/v1/deliveries',
    {
      onRequest,
      schema: {
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: {
            ...filterProps,
            limit: { type: 'string', pattern: '^[0-9]+$' },
            cursor: { type: 'string', maxLength: 200 },
          },
        },
      },
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

  app.get<{ Params: { id: string } }>('/v1/deliveries/:id', { onRequest }, async (request) => {
    const delivery = isUuid(request.params.id)
      ? await getDelivery(deps.db, request.accountId, request.params.id)
      : null;
    if (!delivery) throw new ApiError('not_found', 'no delivery with this id');
    return presentDeliveryWithAttempts(
      delivery,
      await recentAttemptsOf(deps.db, [delivery.id], ATTEMPTS_SHOWN_WITH_DELIVERY),
    );
  });

  app.get<{ Params: { id: string }; Querystring: { limit?: string; cursor?: string } }>(
    '/v1/deliveries/:id/attempts',
    {
      onRequest,
      schema: {
        querystring: PAGE_QUERY,
      },
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

  app.post<{ Params: { id: string } }>('/v1/deliveries/:id/replay', { onRequest }, async (request, reply) => {
    const result = isUuid(request.params.id)
      ? await replayDelivery(deps.db, request.accountId, request.params.id)
      : ({ ok: false, reason: 'not_found' } as const);
    if (!result.ok) throw replayProblem(result);
    request.log.info({ delivery_id: request.params.id }, 'delivery replay queued');
    return reply.code(202).send({ id: request.params.id, status: 'pending' });
  });

  app.post<{ Body: DeliveryFilter | null }>(
    '/v1/deliveries/replay',
    {
      onRequest,
      schema: {
        body: {
          // No body at all means every dead letter, like an empty object.
          type: ['object', 'null'],
          additionalProperties: false,
          properties: { ...filterProps, status: { type: 'string', enum: ['dead', 'succeeded'] } },
        },
      },
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

function replayProblem(result: Exclude<ReplayResult, { ok: true }>): ApiError {
  switch (result.reason) {
    case 'not_found':
      return new ApiError('not_found', 'no delivery with this id');
    case 'in_progress':
      return new ApiError(
        'delivery_in_progress',
        result.trigger === 'manual'
          ? `an earlier replay of this delivery (series ${result.series}) is still ${result.status}; replay it again once that series ends`
          : `the delivery is ${result.status}; it cannot be replayed until it ends`,
        { series: result.series },
      );
    case 'event_erased':
      return new ApiError('event_erased', 'the event payload was erased; there is nothing to send');
    case 'endpoint_disabled':
      return new ApiError(
        'endpoint_disabled',
        'the endpoint is disabled; enable it (PATCH enabled: true) to release its held deliveries',
      );
  }
}
