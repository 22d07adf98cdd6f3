import { EVENT_TYPES } from '@bookflow/events';
import type { Db } from '@bookflow/pg';
import type { FastifyInstance } from 'fastify';
import type { DeliveryFilter } from '../../deliveries/filters.ts';
import { attemptsOf, getDelivery, listDeliveries } from '../../deliveries/read.ts';
import { replayDelivery, replayMatching } from '../../deliveries/replay.ts';
import { ApiError } from '../../errors/catalogue.ts';
import { accountAuth } from '../auth.ts';
import { decodeCursor, encodeCursor, isUuid, parseLimit } from '../pagination.ts';
import { presentDelivery, presentDeliveryWithAttempts } from './presenters.ts';

const filterProps = {
  status: { type: 'string', enum: ['pending', 'delivering', 'succeeded', 'dead', 'held'] },
  endpoint_id: { type: 'string', pattern: '^ep_[A-Za-z0-9_-]{1,64}$' },
  event_type: { type: 'string', enum: [...EVENT_TYPES] },
  since: { type: 'string', format: 'date-time' },
  until: { type: 'string', format: 'date-time' },
} as const;

export function deliveryRoutes(app: FastifyInstance, deps: { db: Db }): void {
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
      const rows = await listDeliveries(deps.db, request.accountId, filter, {
        limit,
        before: decodeCursor(cursor),
      });
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
    return presentDeliveryWithAttempts(delivery, await attemptsOf(deps.db, [delivery.id]));
  });

  app.post<{ Params: { id: string } }>('/v1/deliveries/:id/replay', { onRequest }, async (request, reply) => {
    const found =
      isUuid(request.params.id) && (await replayDelivery(deps.db, request.accountId, request.params.id));
    if (!found) throw new ApiError('not_found', 'no delivery with this id');
    request.log.info({ delivery_id: request.params.id }, 'delivery replay queued');
    return reply.code(202).send({ id: request.params.id, status: 'pending' });
  });

  app.post<{ Body: DeliveryFilter }>(
    '/v1/deliveries/replay',
    {
      onRequest,
      schema: {
        body: {
          type: 'object',
          additionalProperties: false,
          properties: { ...filterProps, status: { type: 'string', enum: ['dead', 'succeeded'] } },
        },
      },
    },
    async (request, reply) => {
      const queued = await replayMatching(deps.db, request.accountId, request.body ?? {});
      request.log.info({ queued, filter: request.body }, 'bulk replay queued');
      return reply.code(202).send({ queued });
    },
  );
}
