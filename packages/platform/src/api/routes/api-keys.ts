import type { FastifyInstance } from 'fastify';
import {
  type ApiKeyRow,
  createApiKey,
  type KeyMode,
  listApiKeys,
  type RevokeResult,
  revokeApiKey,
} from '../../accounts/api-keys.ts';
import { ApiError } from '../../errors/catalogue.ts';
import { type AccountMode, accountMode, testTwinOf } from '../../sandbox/test-twin.ts';
import { accountAuth } from '../auth.ts';
import type { RouteDeps } from '../deps.ts';
import { API_KEY_EXAMPLE } from '../docs/examples.ts';
import { allRequired } from '../docs/object-schema.ts';
import { type ById, idParam, operation } from '../docs/operation.ts';
import { listOf } from '../docs/schemas.ts';
import { type ProblemTable, problemFor } from './problem-table.ts';

const iso = (d: Date | null) => d?.toISOString() ?? null;

/** The key itself is never shown again after creation: only its first characters identify it. */
function present(k: ApiKeyRow, mode: KeyMode) {
  return {
    id: k.id,
    name: k.name,
    mode,
    prefix: k.key_prefix,
    created_at: iso(k.created_at),
    last_used_at: iso(k.last_used_at),
    revoked_at: iso(k.revoked_at),
  };
}

const REVOKE_PROBLEMS: ProblemTable<Exclude<RevokeResult, { ok: true }>> = {
  not_found: () => new ApiError('not_found', 'no API key with this id'),
  last_api_key: () =>
    new ApiError(
      'last_api_key',
      "this is the account's last active API key; create another before revoking it",
    ),
};

export function apiKeyRoutes(app: FastifyInstance, deps: RouteDeps): void {
  const onRequest = accountAuth(deps.db);

  /** The calling key's account and its mode (a test key's account is the test twin). */
  async function callerMode(accountId: string): Promise<AccountMode> {
    const found = await accountMode(deps.db, accountId);
    if (!found) throw new ApiError('unauthorized', 'the API key is unknown or revoked');
    return found;
  }

  /**
   * Where a new key of `mode` goes: the caller's own account for its own mode; a live key may also
   * make test keys (on the test twin, created on first use); a test key never makes a live key.
   */
  async function keyAccount(caller: AccountMode, mode: KeyMode): Promise<string> {
    if (mode === caller.mode) return caller.id;
    if (caller.mode === 'test') {
      throw new ApiError(
        'live_key_required',
        'a test key cannot create a live key; use a live key (bfk_live_…)',
      );
    }
    return testTwinOf(deps.db, caller.id);
  }

  app.post<{ Body: { name?: string; mode?: KeyMode } | undefined }>(
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
          properties: {
            name: { type: 'string', minLength: 1, maxLength: 200 },
            mode: { type: 'string', enum: ['live', 'test'] },
          },
          examples: [{ name: 'CI' }],
        },
        ok: {
          status: 201,
          description: 'The key (shown once)',
          schema: {
            allOf: [{ $ref: 'ApiKey#' }, allRequired({ key: { type: 'string' } })],
          },
          example: { ...API_KEY_EXAMPLE, key: 'bfk_3kQ9Jd8Lw2Xv7Rn5Tb1Yh6Mz0Pc4Sg' },
        },
      }),
    },
    async (request, reply) => {
      const caller = await callerMode(request.accountId);
      const mode = request.body?.mode ?? caller.mode;
      const accountId = await keyAccount(caller, mode);
      const key = await createApiKey(deps.db, accountId, request.body?.name ?? null, mode);
      request.log.info({ api_key_id: key.id, mode }, 'api key created');
      return reply.code(201).send({ ...present(key, mode), key: key.key });
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
      schema: listOf('ApiKey'),
      example: { data: [API_KEY_EXAMPLE] },
    },
  });
  // The keys of the caller's mode only: a live key does not see test keys, nor the reverse.
  app.get('/v1/api-keys', { onRequest, schema: list }, async (request) => {
    const caller = await callerMode(request.accountId);
    return { data: (await listApiKeys(deps.db, request.accountId)).map((k) => present(k, caller.mode)) };
  });

  const revoke = operation({
    operationId: 'revokeApiKey',
    summary: 'Revoke an API key',
    tag: 'API keys',
    auth: 'account',
    params: idParam('API key', API_KEY_EXAMPLE.id),
    ok: { status: 204, description: 'Revoked' },
    problems: ['last_api_key'],
  });
  app.delete<ById>('/v1/api-keys/:id', { onRequest, schema: revoke }, async (request, reply) => {
    const revoked = await revokeApiKey(deps.db, request.accountId, request.params.id);
    if (!revoked.ok) throw problemFor(REVOKE_PROBLEMS, revoked);
    request.log.info({ api_key_id: request.params.id }, 'api key revoked');
    return reply.code(204).send();
  });
}
