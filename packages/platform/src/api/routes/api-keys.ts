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
      schema: {
        body: {
          type: ['object', 'null'],
          additionalProperties: false,
          properties: { name: { type: 'string', minLength: 1, maxLength: 200 } },
        },
      },
    },
    async (request, reply) => {
      const key = await createApiKey(deps.db, request.accountId, request.body?.name ?? null);
      request.log.info({ api_key_id: key.id }, 'api key created');
      return reply.code(201).send({ ...present(key), key: key.key });
    },
  );

  app.get('/v1/api-keys', { onRequest }, async (request) => ({
    data: (await listApiKeys(deps.db, request.accountId)).map(present),
  }));

  app.delete<{ Params: { id: string } }>('/v1/api-keys/:id', { onRequest }, async (request, reply) => {
    const revoked = await revokeApiKey(deps.db, request.accountId, request.params.id);
    if (!revoked.ok) throw revokeProblem(revoked.reason);
    request.log.info({ api_key_id: request.params.id }, 'api key revoked');
    return reply.code(204).send();
  });
}
