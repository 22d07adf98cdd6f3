import {
  CHANGELOG,
  catalogueFor,
  SCHEMA_VERSION,
  SCHEMA_VERSIONS,
  type SchemaVersion,
} from '@bookflow/events';
import type { FastifyInstance } from 'fastify';
import { changelogAtom } from '../../versions/changelog-feed.ts';
import type { RouteDeps } from '../deps.ts';
import { allRequired, onlyFields, optionalFields } from '../docs/object-schema.ts';
import { operation } from '../docs/operation.ts';

const nullableDate = { type: ['string', 'null'] };

const EVENT_TYPES_SCHEMA = allRequired({
  schema_version: { type: 'string', description: 'The version this answer describes' },
  latest_version: { type: 'string' },
  versions: { type: 'array', items: { type: 'string' } },
  data: {
    type: 'array',
    items: allRequired({
      type: { type: 'string' },
      description: { type: 'string' },
      since: { type: 'string', description: 'The schema version that introduced the type' },
      schema: { type: 'object', additionalProperties: true, description: 'The JSON Schema of `data`' },
      example: { type: 'object', additionalProperties: true, description: 'An example `data`' },
    }),
  },
  changelog: {
    type: 'array',
    items: optionalFields({
      version: { type: 'string' },
      date: { type: 'string' },
      supported_until: nullableDate,
      changes: { type: 'array', items: { type: 'string' } },
    }),
  },
});

const listTypes = operation({
  operationId: 'listEventTypes',
  summary: 'List the event types',
  description:
    'The catalogue of one schema version (`?version=`, default the newest): each type with its description, JSON Schema and an example `data`; the whole changelog.',
  tag: 'Event types',
  auth: 'public',
  querystring: onlyFields({ version: { type: 'string', enum: [...SCHEMA_VERSIONS] } }),
  ok: {
    status: 200,
    description: 'The catalogue',
    schema: EVENT_TYPES_SCHEMA,
    example: {
      schema_version: SCHEMA_VERSION,
      latest_version: SCHEMA_VERSION,
      versions: SCHEMA_VERSIONS,
      data: catalogueFor(SCHEMA_VERSION)
        .filter((t) => t.type === 'meeting.booked')
        .map((t) => ({ ...t, schema: { type: 'object' } })),
      changelog: CHANGELOG,
    },
  },
});

const changelogFeed = operation({
  operationId: 'getChangelogFeed',
  summary: 'The changelog as an Atom feed',
  description: 'One entry per schema version, for feed readers.',
  tag: 'Event types',
  auth: 'public',
  ok: {
    status: 200,
    description: 'The Atom feed',
    contentType: 'application/atom+xml',
    schema: { type: 'string' },
    // The feed this route serves, as a server at this address would serve it.
    example: changelogAtom(CHANGELOG, 'https://webhooks.example.com'),
  },
});

/**
 * The catalogue is public: it is documentation, and the same for every account. `?version=` picks
 * a schema version (default: the newest); each answer lists that version's types, schemas and
 * examples, and the whole changelog.
 */
export function eventTypeRoutes(app: FastifyInstance, deps: RouteDeps<'config'>): void {
  app.get<{ Querystring: { version?: SchemaVersion } }>(
    '/v1/event-types',
    { schema: listTypes },
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

  const atom = changelogAtom(CHANGELOG, deps.config.publicUrl);
  app.get('/v1/changelog.atom', { schema: changelogFeed }, async (_request, reply) =>
    reply.type('application/atom+xml; charset=utf-8').send(atom),
  );
}
