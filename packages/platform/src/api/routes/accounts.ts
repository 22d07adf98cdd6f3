import { SCHEMA_VERSIONS } from '@bookflow/events';
import type { Db } from '@bookflow/pg';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import {
  type Account,
  createAccount,
  getAccount,
  updateNotificationSettings,
} from '../../accounts/accounts.ts';
import { eraseAccount } from '../../accounts/erase.ts';
import { checkPlan, type PlanInput, updatePlanAndTrial } from '../../accounts/plan.ts';
import { ApiError } from '../../errors/catalogue.ts';
import { isPrefixedId } from '../../ids/ids.ts';
import { accountMode } from '../../sandbox/test-twin.ts';
import { accountAuth, adminAuth } from '../auth.ts';
import type { RouteDeps } from '../deps.ts';
import { ACCOUNT_EXAMPLE, EXAMPLE_IDS } from '../docs/examples.ts';
import { allRequired, onlyFields } from '../docs/object-schema.ts';
import { type ById, idParam, operation } from '../docs/operation.ts';
import { inputTime } from '../docs/schemas.ts';
import { present, presentWithUsage } from './account-view.ts';

const ACCOUNT = { $ref: 'Account#' };
const RECEIPT = allRequired({
  account_id: { type: 'string' },
  erased_at: { type: 'string', format: 'date-time' },
  erased: { type: 'object', additionalProperties: { type: 'integer' } },
});
const RECEIPT_EXAMPLE = {
  account_id: EXAMPLE_IDS.account,
  erased_at: '2026-11-30T10:00:00.000Z',
  erased: { accounts: 1, api_keys: 2, endpoints: 3, events: 6, deliveries: 7, delivery_attempts: 5 },
};

const notificationProps = {
  slack_webhook_url: { type: ['string', 'null'], format: 'uri', pattern: '^https?://', maxLength: 2048 },
  pagerduty_routing_key: { type: ['string', 'null'], minLength: 1, maxLength: 64 },
} as const;

const storableTime = { ...inputTime, maxLength: 40 } as const;

const planProps = {
  plan: {
    type: ['object', 'null'],
    additionalProperties: false,
    required: ['name', 'minutes_included'],
    properties: {
      name: { type: 'string', minLength: 1, maxLength: 100 },
      minutes_included: { type: 'integer', minimum: 0, maximum: 1_000_000_000 },
      period_start: storableTime,
      period_end: storableTime,
    },
  },
  trial_ends_at: { ...storableTime, type: ['string', 'null'] },
} as const;

const versionProp = { default_schema_version: { type: 'string', enum: [...SCHEMA_VERSIONS] } } as const;

interface PlanBody {
  plan?: PlanInput | null;
  trial_ends_at?: string | null;
  default_schema_version?: string;
}

/** Applies the plan and trial fields of a body (422 invalid_plan when the period runs backwards). */
async function applyPlanBody(db: Db, id: string, body: PlanBody): Promise<Account | null> {
  const checked = body.plan === undefined ? null : checkPlan(body.plan, new Date());
  if (checked && !checked.ok) throw new ApiError('invalid_plan', checked.message);
  return updatePlanAndTrial(db, id, {
    ...(checked ? { plan: checked.plan } : {}),
    ...(body.trial_ends_at !== undefined
      ? { trialEndsAt: body.trial_ends_at === null ? null : new Date(body.trial_ends_at) }
      : {}),
    ...(body.default_schema_version ? { defaultSchemaVersion: body.default_schema_version } : {}),
  });
}

export function accountRoutes(app: FastifyInstance, deps: RouteDeps<'config'>): void {
  app.post<{
    Body: {
      name?: string;
      slack_webhook_url?: string | null;
      pagerduty_routing_key?: string | null;
    } & PlanBody;
  }>(
    '/v1/accounts',
    {
      onRequest: adminAuth(deps.config.adminToken),
      schema: operation({
        operationId: 'createAccount',
        summary: 'Create an account',
        description: 'With the admin token. The API key is in this answer only.',
        tag: 'Accounts',
        auth: 'admin',
        problems: ['invalid_plan'],
        body: {
          ...onlyFields({
            name: { type: 'string', minLength: 1, maxLength: 200 },
            ...notificationProps,
            ...planProps,
            ...versionProp,
          }),
          examples: [{ name: 'Acme' }],
        },
        ok: {
          status: 201,
          description: 'The account, with its first API key (shown once)',
          schema: {
            allOf: [ACCOUNT, allRequired({ api_key: { type: 'string' } })],
          },
          example: { ...ACCOUNT_EXAMPLE, api_key: 'bfk_3kQ9Jd8Lw2Xv7Rn5Tb1Yh6Mz0Pc4Sg' },
        },
      }),
    },
    async (request, reply) => {
      const { plan, trial_ends_at, default_schema_version, ...body } = request.body ?? {};
      // Checked before anything is written, and written in the one insert: a bad plan creates nothing.
      const checked = plan === undefined ? null : checkPlan(plan, new Date());
      if (checked && !checked.ok) throw new ApiError('invalid_plan', checked.message);
      const { account, apiKey } = await createAccount(deps.db, {
        ...body,
        name: body.name ?? 'Unnamed account',
        plan: checked?.plan ?? null,
        trialEndsAt: trial_ends_at ? new Date(trial_ends_at) : null,
        defaultSchemaVersion: default_schema_version,
      });
      request.log.info({ account_id: account.id }, 'account created');
      return reply.code(201).send({ ...present(account), api_key: apiKey });
    },
  );

  const one = { status: 200, description: 'The account', schema: ACCOUNT, example: ACCOUNT_EXAMPLE } as const;

  app.patch<ById & { Body: PlanBody }>(
    '/v1/accounts/:id',
    {
      onRequest: adminAuth(deps.config.adminToken),
      schema: operation({
        operationId: 'updateAccountPlan',
        summary: "Set an account's plan, trial end or default schema version",
        description:
          'Admin only. A plan period must end after it starts; clearing trial_ends_at cancels trial.ending.',
        tag: 'Accounts',
        auth: 'admin',
        params: idParam('account', EXAMPLE_IDS.account),
        body: {
          ...onlyFields({ ...planProps, ...versionProp }),
          examples: [{ trial_ends_at: '2026-12-14T00:00:00.000Z' }],
        },
        ok: one,
        problems: ['not_found', 'invalid_plan'],
      }),
    },
    async (request) => {
      const account = isPrefixedId(request.params.id, 'acct')
        ? await applyPlanBody(deps.db, request.params.id, request.body ?? {})
        : null;
      if (!account) throw new ApiError('not_found', 'no account with this id');
      request.log.info({ account_id: account.id }, 'account plan or trial updated');
      return presentWithUsage(deps.db, account);
    },
  );

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
    return presentWithUsage(deps.db, account);
  });

  app.patch<{
    Body: {
      slack_webhook_url?: string | null;
      pagerduty_routing_key?: string | null;
      default_schema_version?: string;
    };
  }>(
    '/v1/account',
    {
      onRequest: accountAuth(deps.db),
      schema: operation({
        operationId: 'updateAccount',
        summary: "Set the account's notification settings or default schema version",
        description:
          'A Slack incoming webhook and a PagerDuty routing key for dead-letter and disabled-endpoint notices, and the schema version new endpoints get.',
        tag: 'Accounts',
        auth: 'account',
        body: {
          ...onlyFields({ ...notificationProps, ...versionProp }),
          examples: [{ slack_webhook_url: 'https://hooks.slack.com/services/T000/B000/XXXX' }],
        },
        ok: one,
        problems: ['not_found'],
      }),
    },
    async (request) => {
      const { default_schema_version, ...settings } = request.body ?? {};
      let account = await updateNotificationSettings(deps.db, request.accountId, settings);
      if (account && default_schema_version) {
        account = await updatePlanAndTrial(deps.db, request.accountId, {
          defaultSchemaVersion: default_schema_version,
        });
      }
      if (!account) throw new ApiError('not_found');
      return presentWithUsage(deps.db, account);
    },
  );

  const confirmBody = onlyFields({ confirm: { type: 'string', minLength: 1, maxLength: 200 } }, ['confirm']);

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
        problems: ['confirmation_mismatch', 'not_found', 'live_key_required'],
      }),
    },
    async (request) => {
      // Erasure takes the live account and its test twin; a test key (often kept in CI) cannot.
      if ((await accountMode(deps.db, request.accountId))?.mode === 'test') {
        throw new ApiError('live_key_required', 'erasing the account needs a live key; a test key cannot');
      }
      return erase(request, request.accountId);
    },
  );

  app.delete<ById & { Body: { confirm: string } }>(
    '/v1/accounts/:id',
    {
      onRequest: adminAuth(deps.config.adminToken),
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
