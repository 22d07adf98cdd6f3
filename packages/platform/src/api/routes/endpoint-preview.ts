import { catalogue, type Envelope, isEventType, SCHEMA_VERSION, SCHEMA_VERSIONS } from '@bookflow/events';
import type { Db } from '@bookflow/pg';
import type { FastifyInstance } from 'fastify';
import { convertBody } from '../../delivery/worker/versioned-body.ts';
import { getEndpoint } from '../../endpoints/endpoints.ts';
import { versionMismatch } from '../../endpoints/versions.ts';
import { ApiError } from '../../errors/catalogue.ts';
import { uuid } from '../../ids/ids.ts';
import { accountAuth } from '../auth.ts';
import { versionMismatchProblem } from './endpoints.ts';

/**
 * What an endpoint would receive for an event of `type`, in `version` (default: the endpoint's
 * own): the catalogue's example, converted by the worker's own function, and the schema version
 * header that would go with it. Nothing is stored or sent; use it before upgrading an endpoint.
 */
export function endpointPreviewRoutes(app: FastifyInstance, deps: { db: Db }): void {
  app.post<{ Params: { id: string }; Body: { type: string; version?: string } }>(
    '/v1/endpoints/:id/preview',
    {
      onRequest: accountAuth(deps.db),
      schema: {
        body: {
          type: 'object',
          additionalProperties: false,
          required: ['type'],
          properties: {
            type: { type: 'string', maxLength: 100 },
            version: { type: 'string', enum: [...SCHEMA_VERSIONS] },
          },
        },
      },
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
      const envelope: Envelope = {
        id: uuid(),
        type,
        created_at: new Date().toISOString(),
        account_id: request.accountId,
        schema_version: SCHEMA_VERSION,
        data: catalogue[type].example,
      };
      const sent = convertBody({ body: JSON.stringify(envelope), schemaVersion: SCHEMA_VERSION }, version);
      return {
        endpoint_id: endpoint.id,
        schema_version: sent.schemaVersion,
        headers: { 'X-BookFlow-Event-Type': type, 'X-BookFlow-Schema-Version': sent.schemaVersion },
        body: JSON.parse(sent.body),
      };
    },
  );
}
