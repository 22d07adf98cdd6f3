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
import { accountAuth, adminAuth } from '../auth.ts';
import { idParam, operation } from '../docs/operation.ts';
import { ACCOUNT_EXAMPLE, EXAMPLE_IDS } from '../docs/schemas.ts';

const ACCOUNT = { $ref: 'Account#' };
const RECEIPT = {
  type: 'object',
  required: ['account_id', 'erased_at', 'erased'],
  properties: {
    account_id: { type: 'string' },
    erased_at: { type: 'string', format: 'date-time' },
    erased: { type: 'object', additionalProperties: { type: 'integer' } },
  },
};
const RECEIPT_EXAMPLE = {
  account_id: EXAMPLE_IDS.account,
  erased_at: '2026-11-30T10:00:00.000Z',
  erased: { accounts: 1, api_keys: 2, endpoints: 3, events: 6, deliveries: 7, delivery_attempts: 5 },
};

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
      schema: operation({
        operationId: 'createAccount',
        summary: 'Create an account',
        description: 'With the admin token. The API key is in this answer only.',
        tag: 'Accounts',
        auth: 'admin',
        body: {
          type: 'object',
          additionalProperties: false,
          properties: { name: { type: 'string', minLength: 1, maxLength: 200 }, ...notificationProps },
          examples: [{ name: 'Acme' }],
        },
        ok: {
          status: 201,
          description: 'The account, with its first API key (shown once)',
          schema: {
            allOf: [
              ACCOUNT,
              { type: 'object', required: ['api_key'], properties: { api_key: { type: 'string' } } },
            ],
          },
          example: { ...ACCOUNT_EXAMPLE, api_key: 'bfk_3kQ9Jd8Lw2Xv7Rn5Tb1Yh6Mz0Pc4Sg' },
        },
      }),
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

  const one = { status: 200, description: 'The account', schema: ACCOUNT, example: ACCOUNT_EXAMPLE } as const;
  const show = operation({
    operationId: 'getAccount',
    summary: 'Show the calling account',
    tag: 'Accounts',
    auth: 'account',
    ok: one,
    problems: ['not_found'],
  });
  app.get('/v1/account', { onRequest: accountAuth(deps.db), schema: show }, async (request) => {
    const account = await getAccount(deps.db, request.accountId);
    if (!account) throw new ApiError('not_found');
    return present(account);
  });

  app.patch<{ Body: { slack_webhook_url?: string | null; pagerduty_routing_key?: string | null } }>(
    '/v1/account',
    {
      onRequest: accountAuth(deps.db),
      schema: operation({
        operationId: 'updateAccount',
        summary: "Set the account's notification settings",
        description:
          'A Slack incoming webhook and a PagerDuty routing key for dead-letter and disabled-endpoint notices.',
        tag: 'Accounts',
        auth: 'account',
        body: {
          type: 'object',
          additionalProperties: false,
          properties: notificationProps,
          examples: [{ slack_webhook_url: 'https://hooks.slack.com/services/T000/B000/XXXX' }],
        },
        ok: one,
        problems: ['not_found'],
      }),
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
    {
      onRequest: accountAuth(deps.db),
      schema: operation({
        operationId: 'eraseAccount',
        summary: 'Erase the calling account and everything it owns',
        tag: 'Accounts',
        auth: 'account',
        body: { ...confirmBody, examples: [{ confirm: EXAMPLE_IDS.account }] },
        ok: { status: 200, description: 'The erasure receipt', schema: RECEIPT, example: RECEIPT_EXAMPLE },
        problems: ['confirmation_mismatch', 'not_found'],
      }),
    },
    async (request) => erase(request, request.accountId),
  );

  app.delete<{ Params: { id: string }; Body: { confirm: string } }>(
    '/v1/accounts/:id',
    {
      onRequest: adminAuth(deps.adminToken),
      schema: operation({
        operationId: 'eraseAnyAccount',
        summary: 'Erase an account and everything it owns',
        description: 'With the admin token.',
        tag: 'Accounts',
        auth: 'admin',
        params: idParam('account', EXAMPLE_IDS.account),
        body: { ...confirmBody, examples: [{ confirm: EXAMPLE_IDS.account }] },
        ok: { status: 200, description: 'The erasure receipt', schema: RECEIPT, example: RECEIPT_EXAMPLE },
        problems: ['confirmation_mismatch'],
      }),
    },
    async (request) => erase(request, request.params.id),
  );
}
