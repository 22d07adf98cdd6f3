import { CHANGELOG, catalogue, EVENT_TYPES, SCHEMA_VERSION } from '@bookflow/events';
import type { FastifyInstance } from 'fastify';
import { operation } from '../docs/operation.ts';

const EVENT_TYPES_SCHEMA = {
  type: 'object',
  required: ['schema_version', 'data', 'changelog'],
  properties: {
    schema_version: { type: 'string' },
    data: {
      type: 'array',
      items: {
        type: 'object',
        required: ['type', 'description', 'schema', 'example'],
        properties: {
          type: { type: 'string', enum: [...EVENT_TYPES] },
          description: { type: 'string' },
          schema: { type: 'object', additionalProperties: true, description: 'The JSON Schema of `data`' },
          example: { type: 'object', additionalProperties: true, description: 'An example `data`' },
        },
      },
    },
    changelog: {
      type: 'array',
      items: {
        type: 'object',
        properties: {
          version: { type: 'string' },
          date: { type: 'string' },
          changes: { type: 'array', items: { type: 'string' } },
        },
      },
    },
  },
};

const listTypes = operation({
  operationId: 'listEventTypes',
  summary: 'List the event types',
  description:
    'The catalogue: each type with its description, JSON Schema and an example `data`; the changelog.',
  tag: 'Event types',
  auth: 'public',
  ok: {
    status: 200,
    description: 'The catalogue',
    schema: EVENT_TYPES_SCHEMA,
    example: {
      schema_version: SCHEMA_VERSION,
      data: [
        {
          type: 'meeting.booked',
          description: catalogue['meeting.booked'].description,
          schema: { type: 'object' },
          example: catalogue['meeting.booked'].example,
        },
      ],
      changelog: CHANGELOG,
    },
  },
});

/** The catalogue is public: it is documentation, and the same for every account. */
export function eventTypeRoutes(app: FastifyInstance): void {
  app.get('/v1/event-types', { schema: listTypes }, async () => ({
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
