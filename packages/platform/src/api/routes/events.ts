import type { Db } from '@bookflow/pg';
import type { FastifyInstance } from 'fastify';
import { deliveriesOfEvent, recentAttemptsOf } from '../../delivery-log/read.ts';
import { ApiError } from '../../errors/catalogue.ts';
import { PublishBatcher } from '../../events/publish-batcher.ts';
import { getEvent } from '../../events/read.ts';
import { checkEvent } from '../../events/validation.ts';
import type { Metrics } from '../../metrics/metrics.ts';
import { eraseEvent } from '../../retention/purge.ts';
import { accountAuth } from '../auth.ts';
import { isUuid } from '../pagination.ts';
import { eventCheckProblem, publishProblem } from './event-problems.ts';
import { presentDeliveryWithAttempts } from './presenters.ts';

/**
 * Attempts shown per delivery here: an event has one delivery per subscribed endpoint (up to the
 * endpoint limit), so this keeps the answer bounded; the rest are at /v1/deliveries/{id}/attempts.
 */
const ATTEMPTS_PER_DELIVERY_OF_EVENT = 10;

export function eventRoutes(app: FastifyInstance, deps: { db: Db; metrics: Metrics }): void {
  const publisher = new PublishBatcher(deps.db);
  const onRequest = accountAuth(deps.db);

  app.post<{ Body: { type: string; data: Record<string, unknown> } }>(
    '/v1/events',
    {
      onRequest,
      config: { eventDataProperty: 'data' },
      schema: {
        headers: {
          type: 'object',
          properties: { 'idempotency-key': { type: 'string', minLength: 1, maxLength: 255 } },
        },
        body: {
          type: 'object',
          additionalProperties: false,
          required: ['type', 'data'],
          properties: { type: { type: 'string', maxLength: 100 }, data: { type: 'object' } },
        },
      },
    },
    async (request, reply) => {
      const { data } = request.body;
      const check = checkEvent(request.body.type, data);
      if (!check.ok) throw eventCheckProblem(check);
      const { type } = check;
      const idempotencyKey = request.headers['idempotency-key'] as string | undefined;
      const result = await publisher.publish({
        accountId: request.accountId,
        type,
        data,
        idempotencyKey,
      });
      if (!result.ok) throw publishProblem(result);
      if (result.created) deps.metrics.eventsPublished.inc({ type });
      request.log.info(
        { event_id: result.id, type, deliveries: result.deliveries, replayed: !result.created },
        'event accepted',
      );
      if (!result.created) reply.header('idempotent-replayed', 'true');
      return reply.code(202).send({ id: result.id });
    },
  );

  app.get<{ Params: { id: string } }>('/v1/events/:id', { onRequest }, async (request) => {
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

  app.delete<{ Params: { id: string } }>('/v1/events/:id', { onRequest }, async (request, reply) => {
    const erased =
      isUuid(request.params.id) && (await eraseEvent(deps.db, request.accountId, request.params.id));
    if (!erased) throw new ApiError('not_found', 'no event with this id');
    request.log.info({ event_id: request.params.id }, 'event payload erased on request');
    return reply.code(204).send();
  });

  app.get<{ Params: { id: string } }>('/v1/events/:id/deliveries', { onRequest }, async (request) => {
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
