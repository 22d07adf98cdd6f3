import type { FastifyInstance } from 'fastify';
import { getEndpoint } from '../../endpoints/endpoints.ts';
import { ApiError } from '../../errors/catalogue.ts';
import { accountStats, type StatsWindow } from '../../stats/stats.ts';
import { accountAuth } from '../auth.ts';
import type { RouteDeps } from '../deps.ts';
import { allRequired, onlyFields } from '../docs/object-schema.ts';
import { operation } from '../docs/operation.ts';

const count = { type: 'integer' } as const;
const latency = allRequired({
  p50: { type: ['integer', 'null'] },
  p95: { type: ['integer', 'null'] },
  p99: { type: ['integer', 'null'] },
});
/** What the totals and each bucket both count. */
const outcomes = {
  succeeded: count,
  failed: count,
  dead_lettered: count,
  success_rate: { type: ['number', 'null'] },
  latency_ms: latency,
} as const;

const latencyExample = { p50: 84, p95: 310, p99: 1240 };

const STATS_EXAMPLE = {
  window: '1h',
  endpoint_id: null,
  from: '2026-01-15T08:31:00.000Z',
  to: '2026-01-15T09:31:00.000Z',
  bucket_seconds: 60,
  totals: { succeeded: 1188, failed: 12, dead_lettered: 1, success_rate: 0.99, latency_ms: latencyExample },
  now: { queue_depth: 3, held: 0, dead_letter_depth: 1 },
  buckets: [
    {
      at: '2026-01-15T08:31:00.000Z',
      succeeded: 20,
      failed: 0,
      dead_lettered: 0,
      success_rate: 1,
      latency_ms: latencyExample,
      queue_depth: 2,
      dead_letter_depth: 0,
    },
  ],
};

export function statsRoutes(app: FastifyInstance, deps: RouteDeps): void {
  app.get<{ Querystring: { window?: StatsWindow; endpoint_id?: string } }>(
    '/v1/stats',
    {
      onRequest: accountAuth(deps.db),
      schema: operation({
        summary: 'Delivery health figures over the last hour or day',
        description:
          'Attempts per bucket by outcome (1-minute buckets for `1h`, 15-minute for `24h`), deliveries dead-lettered, ' +
          'success rate, latency p50/p95/p99, queue depth and dead-letter depth, for the account or one endpoint.',
        operationId: 'getStats',
        tag: 'Stats',
        auth: 'account',
        querystring: onlyFields({
          window: { type: 'string', enum: ['1h', '24h'], default: '1h' },
          endpoint_id: { type: 'string', pattern: '^ep_[A-Za-z0-9_-]{1,64}$' },
        }),
        ok: {
          status: 200,
          description: 'The figures',
          schema: {
            ...allRequired({
              window: { type: 'string' },
              endpoint_id: { type: ['string', 'null'] },
              from: { type: 'string' },
              to: { type: 'string' },
              bucket_seconds: count,
              totals: allRequired(outcomes),
              now: allRequired({ queue_depth: count, held: count, dead_letter_depth: count }),
              buckets: {
                type: 'array',
                items: allRequired({
                  at: { type: 'string' },
                  ...outcomes,
                  queue_depth: count,
                  dead_letter_depth: count,
                }),
              },
            }),
            examples: [
              {
                window: '1h',
                endpoint_id: null,
                from: '2026-11-30T08:00:00.000Z',
                to: '2026-11-30T09:00:00.000Z',
                bucket_seconds: 300,
                totals: {
                  succeeded: 120,
                  failed: 3,
                  dead_lettered: 0,
                  success_rate: 0.976,
                  latency_ms: { p50: 80, p95: 210, p99: 480 },
                },
                now: { queue_depth: 2, held: 0, dead_letter_depth: 0 },
                buckets: [],
              },
            ],
          },
          example: STATS_EXAMPLE,
        },
        problems: ['not_found'],
      }),
    },
    async (request) => {
      const window = request.query.window ?? '1h';
      const endpointId = request.query.endpoint_id;
      if (endpointId && !(await getEndpoint(deps.db, request.accountId, endpointId))) {
        throw new ApiError('not_found', 'no endpoint with this id');
      }
      const stats = await accountStats(deps.db, request.accountId, {
        window,
        ...(endpointId ? { endpointId } : {}),
      });
      return {
        window,
        endpoint_id: endpointId ?? null,
        from: stats.from.toISOString(),
        to: stats.to.toISOString(),
        bucket_seconds: stats.bucketSeconds,
        totals: stats.totals,
        now: stats.now,
        buckets: stats.buckets.map((b) => ({ ...b, at: b.at.toISOString() })),
      };
    },
  );
}
