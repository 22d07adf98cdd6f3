import type { Db } from '@bookflow/pg';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import {
  type Account,
  createAccount,
  getAccount,
  updateNotificationSettings,
} from '../../accounts/accounts.ts';
import { eraseAccount } from '../../accounts/erase.ts';
import { ApiError } from '../../errors/catalogue.ts';
import { accountMode } from '../../sandbox/test-twin.ts';
import { accountAuth, adminAuth } from '../auth.ts';

const notificationProps = {
  slack_webhook_url: { type: ['string', 'null'], format: 'uri', pattern: '^https?://', maxLength: 2048 },
  pagerduty_routing_key: { type: ['string', 'null'], minLength: 1, maxLength: 64 },
} as const;

function present(account: Account) {
  return {
    id: account.id,
    name: account.name,
    notifications: {
      slack_webhook_url: account.slack_webhook_url ? 'configured' : null,
      pagerduty_routing_key: account.pagerduty_routing_key ? 'configured' : null,
    },
    // 'test' when called with a test key: the account's test twin, with its own id and settings.
    mode: account.mode,
    created_at: account.created_at.toISOString(),
  };
}

export function accountRoutes(app: FastifyInstance, deps: { db: Db; adminToken: string | null }): void {
  app.post<{
    Body: { name?: string; slack_webhook_url?: string | null; pagerduty_routing_key?: string | null };
  }>(
    '/v1/accounts',
    {
      onRequest: adminAuth(deps.adminToken),
      schema: {
        body: {
          type: 'object',
          additionalProperties: false,
          properties: { name: { type: 'string', minLength: 1, maxLength: 200 }, ...notificationProps },
        },
      },
    },
    async (request, reply) => {
      const body = request.body ?? {};
      const { account, apiKey } = await createAccount(deps.db, {
        ...body,
        name: body.name ?? 'Unnamed account',
      });
      request.log.info({ account_id: account.id }, 'account created');
      return reply.code(201).send({ ...present(account), api_key: apiKey });
    },
  );

  app.get('/v1/account', { onRequest: accountAuth(deps.db) }, async (request) => {
    const account = await getAccount(deps.db, request.accountId);
    if (!account) throw new ApiError('not_found');
    return present(account);
  });

  app.patch<{ Body: { slack_webhook_url?: string | null; pagerduty_routing_key?: string | null } }>(
    '/v1/account',
    {
      onRequest: accountAuth(deps.db),
      schema: { body: { type: 'object', additionalProperties: false, properties: notificationProps } },
    },
    async (request) => {
      const account = await updateNotificationSettings(deps.db, request.accountId, request.body);
      if (!account) throw new ApiError('not_found');
      return present(account);
    },
  );

  const confirmBody = {
    type: 'object',
    additionalProperties: false,
    required: ['confirm'],
    properties: { confirm: { type: 'string', minLength: 1, maxLength: 200 } },
  } as const;

  /** Erases the account after checking the confirmation names it; answers the receipt. */
  async function erase(request: FastifyRequest<{ Body: { confirm: string } }>, accountId: string) {
    if (request.body.confirm !== accountId) {
      throw new ApiError(
        'confirmation_mismatch',
        `to erase this account and all its data, send {"confirm": "${accountId}"}`,
      );
    }
    const result = await eraseAccount(deps.db, accountId);
    if (!result.ok) throw new ApiError('not_found', 'no account with this id');
    request.log.warn({ account_id: accountId, erased: result.erased }, 'account erased');
    return { account_id: accountId, erased_at: new Date().toISOString(), erased: result.erased };
  }

  app.delete<{ Body: { confirm: string } }>(
    '/v1/account',
    { onRequest: accountAuth(deps.db), schema: { body: confirmBody } },
    async (request) => {
      // Erasure takes the live account and its test twin; a test key (often kept in CI) cannot.
      if ((await accountMode(deps.db, request.accountId))?.mode === 'test') {
        throw new ApiError('live_key_required', 'erasing the account needs a live key; a test key cannot');
      }
      return erase(request, request.accountId);
    },
  );

  app.delete<{ Params: { id: string }; Body: { confirm: string } }>(
    '/v1/accounts/:id',
    { onRequest: adminAuth(deps.adminToken), schema: { body: confirmBody } },
    async (request) => erase(request, request.params.id),
  );
}
