import { CHANGELOG, catalogue, EVENT_TYPES, SCHEMA_VERSION } from '@bookflow/events';
import type { FastifyInstance } from 'fastify';

/** The catalogue is public: it is documentation, and the same for every account. */
export function eventTypeRoutes(app: FastifyInstance): void {
  app.get('/v1/event-types', async () => ({
    schema_version: SCHEMA_VERSION,
    data: EVENT_TYPES.map((type) => ({
      type,
      description: catalogue[type].description,
      schema: catalogue[type].schema,
      example: catalogue[type].example,
    })),
    changelog: CHANGELOG,
  }));
}
