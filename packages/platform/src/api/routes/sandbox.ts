import { EVENT_TYPES, isEventType } from '@bookflow/events';
import type { FastifyInstance } from 'fastify';
import { ApiError } from '../../errors/catalogue.ts';
import { type SendTestEventResult, sendTestEvent } from '../../sandbox/send-test-event.ts';
import { accountMode } from '../../sandbox/test-twin.ts';
import { wipeTestData } from '../../sandbox/wipe-test-data.ts';
import { accountAuth } from '../auth.ts';
import type { RouteDeps } from '../deps.ts';
import { EXAMPLE_IDS } from '../docs/examples.ts';
import { allRequired, onlyFields } from '../docs/object-schema.ts';
import { type ById, itemRoute, operation } from '../docs/operation.ts';
import { ENDPOINT_ID_PARAM } from '../docs/schemas.ts';
import { type ProblemTable, problemFor } from './problem-table.ts';

type TestEventRefusal = Exclude<SendTestEventResult, { ok: true }>;

const TEST_EVENT_PROBLEMS: ProblemTable<TestEventRefusal, [type: string]> = {
  not_found: () => new ApiError('not_found', 'no endpoint with this id'),
  not_subscribed: (refusal, type) =>
    new ApiError(
      'endpoint_not_subscribed',
      `the endpoint does not subscribe to ${type}; it subscribes to ${refusal.subscribed.join(', ')} (PATCH its event_types to add it)`,
      { event_types: refusal.subscribed },
    ),
  endpoint_disabled: () =>
    new ApiError(
      'endpoint_disabled',
      'the endpoint is disabled, so a test event would wait; enable it (PATCH enabled: true) first',
    ),
};

/** The sandbox: test events sent to one endpoint, and wiping test mode's data. */
export function sandboxRoutes(app: FastifyInstance, deps: RouteDeps): void {
  const onRequest = accountAuth(deps.db);

  app.post<ById & { Body: { type: string } }>(
    '/v1/endpoints/:id/test',
    {
      onRequest,
      schema: operation({
        operationId: 'sendTestEvent',
        summary: 'Send a test event to an endpoint',
        description:
          'The catalogue\'s example of the type, delivered to this endpoint alone as a normal delivery (signed, retried, logged), marked `"test": true` in the envelope.',
        ...itemRoute('Endpoints', ENDPOINT_ID_PARAM),
        body: {
          ...onlyFields({ type: { type: 'string', minLength: 1, maxLength: 100 } }, ['type']),
          examples: [{ type: 'meeting.booked' }],
        },
        ok: {
          status: 202,
          description: 'The test delivery is queued',
          schema: allRequired({
            event_id: { type: 'string' },
            delivery_id: { type: 'string' },
            endpoint_id: { type: 'string' },
            type: { type: 'string' },
            test: { type: 'boolean', enum: [true] },
          }),
          example: {
            event_id: EXAMPLE_IDS.event,
            delivery_id: EXAMPLE_IDS.delivery,
            endpoint_id: EXAMPLE_IDS.endpoint,
            type: 'meeting.booked',
            test: true,
          },
        },
        problems: ['unknown_event_type', 'endpoint_not_subscribed', 'endpoint_disabled'],
      }),
    },
    async (request, reply) => {
      const { type } = request.body;
      if (!isEventType(type)) {
        throw new ApiError(
          'unknown_event_type',
          `"${type}" is not an event type; known: ${EVENT_TYPES.join(', ')}`,
        );
      }
      const result = await sendTestEvent(deps.db, request.accountId, request.params.id, type);
      if (!result.ok) throw problemFor(TEST_EVENT_PROBLEMS, result, type);
      request.log.info(
        { endpoint_id: request.params.id, event_id: result.eventId, delivery_id: result.deliveryId, type },
        'test event queued',
      );
      return reply.code(202).send({
        event_id: result.eventId,
        delivery_id: result.deliveryId,
        endpoint_id: request.params.id,
        type,
        test: true,
      });
    },
  );

  // With a live key or a test key alike: it wipes the account's test data, never live data.
  const counts = allRequired(
    Object.fromEntries(
      ['endpoints', 'endpoint_secrets', 'events', 'deliveries', 'delivery_attempts'].map((k) => [
        k,
        { type: 'integer' },
      ]),
    ),
  );
  app.delete(
    '/v1/test-data',
    {
      onRequest,
      schema: operation({
        operationId: 'wipeTestData',
        summary: "Wipe the account's test data",
        description:
          "Deletes test mode's endpoints, their secrets, events, deliveries and attempts. Live data is never touched, whichever key (live or test) calls it.",
        tag: 'Accounts',
        auth: 'account',
        ok: {
          status: 200,
          description: 'What was deleted (`test_account_id` is null when the account never used test mode)',
          schema: allRequired({
            test_account_id: { type: ['string', 'null'] },
            wiped_at: { type: 'string', format: 'date-time' },
            deleted: counts,
          }),
          example: {
            test_account_id: 'acct_7Tn2Wq5Lx9Rb3Kd8',
            wiped_at: '2026-01-15T09:30:00.000Z',
            deleted: { endpoints: 2, endpoint_secrets: 3, events: 41, deliveries: 45, delivery_attempts: 58 },
          },
        },
      }),
    },
    async (request) => {
      const caller = await accountMode(deps.db, request.accountId);
      if (!caller) throw new ApiError('unauthorized', 'the API key is unknown or revoked');
      const wiped = await wipeTestData(deps.db, caller.liveAccountId);
      request.log.warn({ account_id: caller.liveAccountId, deleted: wiped.deleted }, 'test data wiped');
      return {
        test_account_id: wiped.testAccountId,
        wiped_at: new Date().toISOString(),
        deleted: wiped.deleted,
      };
    },
  );
}
