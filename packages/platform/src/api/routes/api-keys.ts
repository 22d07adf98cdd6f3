import type { Db } from '@bookflow/pg';
import type { FastifyInstance } from 'fastify';
import {
  type ApiKeyRow,
  createApiKey,
  listApiKeys,
  type RevokeResult,
  revokeApiKey,
} from '../../accounts/api-keys.ts';
import { ApiError } from '../../errors/catalogue.ts';
import { accountAuth } from '../auth.ts';
import { idParam, operation } from '../docs/operation.ts';
import { API_KEY_EXAMPLE } from '../docs/schemas.ts';

const iso = (d: Date | null) => d?.toISOString() ?? null;

/** The key itself is never shown again after creation: only its first characters identify it. */
function present(k: ApiKeyRow) {
  return {
    id: k.id,
    name: k.name,
    prefix: k.key_prefix,
    created_at: iso(k.created_at),
    last_used_at: iso(k.last_used_at),
    revoked_at: iso(k.revoked_at),
  };
}

function revokeProblem(reason: (RevokeResult & { ok: false })['reason']): ApiError {
  if (reason === 'not_found') return new ApiError('not_found', 'no API key with this id');
  return new ApiError(
    'last_api_key',
    "this is the account's last active API key; create another before revoking it",
  );
}

export function apiKeyRoutes(app: FastifyInstance, deps: { db: Db }): void {
  const onRequest = accountAuth(deps.db);

  app.post<{ Body: { name?: string } | undefined }>(
    '/v1/api-keys',
    {
      onRequest,
      schema: operation({
        operationId: 'createApiKey',
        summary: 'Create an API key',
        description: 'Another key for the account; the key is in this answer only.',
        tag: 'API keys',
        auth: 'account',
        body: {
          type: ['object', 'null'],
          additionalProperties: false,
          properties: { name: { type: 'string', minLength: 1, maxLength: 200 } },
          examples: [{ name: 'CI' }],
        },
        ok: {
          status: 201,
          description: 'The key (shown once)',
          schema: {
            allOf: [
              { $ref: 'ApiKey#' },
              { type: 'object', required: ['key'], properties: { key: { type: 'string' } } },
            ],
          },
          example: { ...API_KEY_EXAMPLE, key: 'bfk_3kQ9Jd8Lw2Xv7Rn5Tb1Yh6Mz0Pc4Sg' },
        },
      }),
    },
    async (request, reply) => {
      const key = await createApiKey(deps.db, request.accountId, request.body?.name ?? null);
      request.log.info({ api_key_id: key.id }, 'api key created');
      return reply.code(201).send({ ...present(key), key: key.key });
    },
  );

  const list = operation({
    operationId: 'listApiKeys',
    summary: "List the account's API keys",
    description: 'Their prefixes and use; never the keys.',
    tag: 'API keys',
    auth: 'account',
    ok: {
      status: 200,
      description: 'The keys',
      schema: {
        type: 'object',
        required: ['data'],
        properties: { data: { type: 'array', items: { $ref: 'ApiKey#' } } },
      },
      example: { data: [API_KEY_EXAMPLE] },
    },
  });
  app.get('/v1/api-keys', { onRequest, schema: list }, async (request) => ({
    data: (await listApiKeys(deps.db, request.accountId)).map(present),
  }));

  const revoke = operation({
    operationId: 'revokeApiKey',
    summary: 'Revoke an API key',
    tag: 'API keys',
    auth: 'account',
    params: idParam('API key', API_KEY_EXAMPLE.id),
    ok: { status: 204, description: 'Revoked' },
    problems: ['last_api_key'],
  });
  app.delete<{ Params: { id: string } }>(
    '/v1/api-keys/:id',
    { onRequest, schema: revoke },
    async (request, reply) => {
      const revoked = await revokeApiKey(deps.db, request.accountId, request.params.id);
      if (!revoked.ok) throw revokeProblem(revoked.reason);
      request.log.info({ api_key_id: request.params.id }, 'api key revoked');
      return reply.code(204).send();
    },
  );
}
