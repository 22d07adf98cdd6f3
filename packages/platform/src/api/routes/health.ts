import type { Db } from '@bookflow/pg';
import type { FastifyInstance } from 'fastify';
import type { Registry } from 'prom-client';
import { ApiError } from '../../errors/catalogue.ts';

export function healthRoutes(app: FastifyInstance, deps: { db: Db; registry: Registry }): void {
  /** Liveness: the process answers. */
  app.get('/healthz', async () => ({ status: 'ok' }));

  /** Readiness: the database answers too. */
  app.get('/readyz', async () => {
    try {
      await deps.db.query('select 1');
    } catch {
      throw new ApiError('service_unavailable', 'the database is not reachable');
    }
    return { status: 'ready' };
  });

  app.get('/metrics', async (_request, reply) => {
    reply.type(deps.registry.contentType);
    return deps.registry.metrics();
  });
}
