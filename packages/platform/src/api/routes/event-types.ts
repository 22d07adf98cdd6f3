import {
  CHANGELOG,
  catalogueFor,
  SCHEMA_VERSION,
  SCHEMA_VERSIONS,
  type SchemaVersion,
} from '@bookflow/events';
import type { FastifyInstance } from 'fastify';
import { changelogAtom } from '../../versions/changelog-feed.ts';

/**
 * The catalogue is public: it is documentation, and the same for every account. `?version=` picks
 * a schema version (default: the newest); each answer lists that version's types, schemas and
 * examples, and the whole changelog.
 */
export function eventTypeRoutes(app: FastifyInstance, deps: { publicUrl: string }): void {
  app.get<{ Querystring: { version?: SchemaVersion } }>(
    '/v1/event-types',
    {
      schema: {
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: { version: { type: 'string', enum: [...SCHEMA_VERSIONS] } },
        },
      },
    },
    async (request) => {
      const version = request.query.version ?? SCHEMA_VERSION;
      return {
        schema_version: version,
        latest_version: SCHEMA_VERSION,
        versions: SCHEMA_VERSIONS,
        data: catalogueFor(version),
        changelog: CHANGELOG,
      };
    },
  );

  const atom = changelogAtom(CHANGELOG, deps.publicUrl);
  app.get('/v1/changelog.atom', async (_request, reply) =>
    reply.type('application/atom+xml; charset=utf-8').send(atom),
  );
}
