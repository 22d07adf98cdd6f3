import type { FastifyInstance } from 'fastify';
import { ApiError } from '../../errors/catalogue.ts';
import type { RouteDeps } from '../deps.ts';
import { allRequired } from '../docs/object-schema.ts';
import { operation } from '../docs/operation.ts';

const status = (value: string) => allRequired({ status: { type: 'string', enum: [value] } });

const live = operation({
  operationId: 'getLiveness',
  summary: 'Liveness',
  description: 'The process answers.',
  tag: 'Health',
  auth: 'public',
  ok: { status: 200, description: 'Alive', schema: status('ok'), example: { status: 'ok' } },
});
const ready = operation({
  operationId: 'getReadiness',
  summary: 'Readiness',
  description: 'The database answers too.',
  tag: 'Health',
  auth: 'public',
  ok: { status: 200, description: 'Ready', schema: status('ready'), example: { status: 'ready' } },
  problems: ['service_unavailable'],
});
const metrics = operation({
  operationId: 'getMetrics',
  summary: 'Prometheus metrics',
  tag: 'Health',
  auth: 'public',
  ok: {
    status: 200,
    description: 'The metrics in the Prometheus text format',
    contentType: 'text/plain',
    schema: { type: 'string' },
    example: 'bookflow_events_published_total{type="meeting.booked"} 1\n',
  },
});

export function healthRoutes(app: FastifyInstance, deps: RouteDeps<'metrics'>): void {
  const { registry } = deps.metrics;
  /** Liveness: the process answers. */
  app.get('/healthz', { schema: live }, async () => ({ status: 'ok' }));

  /** Readiness: the database answers too. */
  app.get('/readyz', { schema: ready }, async () => {
    try {
      await deps.db.query('select 1');
    } catch {
      throw new ApiError('service_unavailable', 'the database is not reachable');
    }
    return { status: 'ready' };
  });

  app.get('/metrics', { schema: metrics }, async (_request, reply) => {
    reply.type(registry.contentType);
    return registry.metrics();
  });
}
