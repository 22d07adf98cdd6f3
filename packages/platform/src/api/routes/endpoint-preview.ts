import {
  catalogue,
  type Envelope,
  type EventType,
  isEventType,
  SCHEMA_VERSION,
  SCHEMA_VERSIONS,
  type SchemaVersion,
} from '@bookflow/events';
import type { FastifyInstance } from 'fastify';
import { convertBody } from '../../delivery/worker/versioned-body.ts';
import { getEndpoint } from '../../endpoints/endpoints.ts';
import { versionMismatch } from '../../endpoints/versions.ts';
import { ApiError } from '../../errors/catalogue.ts';
import { uuid } from '../../ids/ids.ts';
import { accountAuth } from '../auth.ts';
import type { RouteDeps } from '../deps.ts';
import { EXAMPLE_IDS } from '../docs/examples.ts';
import { allRequired, onlyFields } from '../docs/object-schema.ts';
import { type ById, itemRoute, operation } from '../docs/operation.ts';
import { ENDPOINT_ID_PARAM } from '../docs/schemas.ts';
import { versionMismatchProblem } from './endpoint-input.ts';

/** The answer: the catalogue's example of `type` as an endpoint on `version` would receive it. */
function preview(input: {
  endpointId: string;
  accountId: string;
  type: EventType;
  version: SchemaVersion;
  id: string;
  createdAt: string;
}) {
  const envelope: Envelope = {
    id: input.id,
    type: input.type,
    created_at: input.createdAt,
    account_id: input.accountId,
    schema_version: SCHEMA_VERSION,
    data: catalogue[input.type].example,
  };
  const sent = convertBody({ body: JSON.stringify(envelope), schemaVersion: SCHEMA_VERSION }, input.version);
  return {
    endpoint_id: input.endpointId,
    schema_version: sent.schemaVersion,
    headers: { 'X-BookFlow-Event-Type': input.type, 'X-BookFlow-Schema-Version': sent.schemaVersion },
    body: JSON.parse(sent.body) as unknown,
  };
}

const PREVIEW_SCHEMA = allRequired({
  endpoint_id: { type: 'string' },
  schema_version: { type: 'string' },
  headers: { type: 'object', additionalProperties: { type: 'string' } },
  body: { type: 'object', description: 'The envelope, converted to the schema version' },
});
const PREVIEW_EXAMPLE = preview({
  endpointId: EXAMPLE_IDS.endpoint,
  accountId: EXAMPLE_IDS.account,
  type: 'meeting.booked',
  version: SCHEMA_VERSION,
  id: EXAMPLE_IDS.event,
  createdAt: '2026-01-15T09:30:00.000Z',
});

/**
 * What an endpoint would receive for an event of `type`, in `version` (default: the endpoint's
 * own): the catalogue's example, converted by the worker's own function, and the schema version
 * header that would go with it. Nothing is stored or sent; use it before upgrading an endpoint.
 */
export function endpointPreviewRoutes(app: FastifyInstance, deps: RouteDeps): void {
  app.post<ById & { Body: { type: string; version?: string } }>(
    '/v1/endpoints/:id/preview',
    {
      onRequest: accountAuth(deps.db),
      schema: operation({
        operationId: 'previewEndpointDelivery',
        summary: 'Preview what an endpoint would receive',
        description:
          "The catalogue's example of an event type as this endpoint would receive it in a schema version (default: the endpoint's own): the body and the headers that name its type and version. Nothing is stored or sent.",
        ...itemRoute('Endpoints', ENDPOINT_ID_PARAM),
        body: {
          ...onlyFields(
            {
              type: { type: 'string', maxLength: 100 },
              version: { type: 'string', enum: [...SCHEMA_VERSIONS] },
            },
            ['type'],
          ),
          examples: [{ type: 'meeting.booked', version: SCHEMA_VERSION }],
        },
        ok: {
          status: 200,
          description: 'The delivery the endpoint would receive',
          schema: PREVIEW_SCHEMA,
          example: PREVIEW_EXAMPLE,
        },
        problems: ['unknown_event_type', 'event_type_not_in_version'],
      }),
    },
    async (request) => {
      const endpoint = await getEndpoint(deps.db, request.accountId, request.params.id);
      if (!endpoint) throw new ApiError('not_found', 'no endpoint with this id');
      const { type } = request.body;
      if (!isEventType(type)) {
        throw new ApiError(
          'unknown_event_type',
          `"${type}" is not an event type; GET /v1/event-types lists them`,
        );
      }
      const version = request.body.version ?? endpoint.schema_version;
      const mismatch = versionMismatch(version as typeof endpoint.schema_version, [type]);
      if (mismatch) throw versionMismatchProblem(mismatch);
      return preview({
        endpointId: endpoint.id,
        accountId: request.accountId,
        type,
        version: version as SchemaVersion,
        id: uuid(),
        createdAt: new Date().toISOString(),
      });
    },
  );
}
