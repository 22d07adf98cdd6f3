import type { FastifyInstance } from 'fastify';
import { getAccount } from '../../accounts/accounts.ts';
import { signedInLive, switchSessionAccount } from '../../dashboard-auth/sessions.ts';
import { csrfTokenFor } from '../../dashboard-auth/tokens.ts';
import { ApiError } from '../../errors/catalogue.ts';
import { accountMode, testTwinOf } from '../../sandbox/test-twin.ts';
import { accountAuth, sessionToken } from '../auth.ts';
import type { RouteDeps } from '../deps.ts';
import { onlyFields } from '../docs/object-schema.ts';
import { operation } from '../docs/operation.ts';
import { sessionExample, sessionSchema } from './dashboard-sessions.ts';

/**
 * The dashboard's test-mode switch: the session moves between its live account and that account's
 * test twin. The target is derived from the session's own account only (never from the request),
 * so a session can never reach another tenant. API keys cannot switch: a key is bound to its mode.
 */
export function dashboardSessionModeRoute(app: FastifyInstance, { db }: RouteDeps): void {
  app.post<{ Body: { mode: 'live' | 'test' } }>(
    '/v1/dashboard/session/mode',
    {
      onRequest: accountAuth(db),
      schema: operation({
        summary: 'Switch the dashboard session between live and test mode',
        description:
          'Points the session at the live account (`live`) or its test twin (`test`, created on first use). ' +
          'Everything the session then reads or creates belongs to that mode. Only a dashboard session ' +
          'can switch (with its X-CSRF-Token); an API key is bound to its mode (`bfk_live_…` or `bfk_test_…`).',
        operationId: 'switchDashboardSessionMode',
        tag: 'Dashboard sessions',
        auth: 'account',
        body: onlyFields({ mode: { type: 'string', enum: ['live', 'test'] } }, ['mode']),
        ok: {
          status: 200,
          description: 'The session, now in the mode asked for',
          schema: sessionSchema,
          example: {
            ...sessionExample,
            account_id: 'acct_9Tq2Lm4Xw8Zr1Kp3',
            mode: 'test',
            expires_at: null,
          },
        },
        problems: ['csrf_token_invalid', 'live_key_required'],
      }),
    },
    async (request, reply) => {
      const token = sessionToken(request);
      if (request.authenticatedBy !== 'session' || !token) {
        throw new ApiError(
          'unauthorized',
          'only a dashboard session can switch modes; an API key is bound to its mode (use a bfk_test_… key for test mode)',
        );
      }
      const current = await accountMode(db, request.accountId);
      if (!current) throw new ApiError('unauthorized', 'the dashboard session has expired or was signed out');
      // A test key is the weaker credential: a session it opened stays in test mode.
      if (request.body.mode === 'live' && !(await signedInLive(db, token))) {
        throw new ApiError(
          'live_key_required',
          'this session was opened with a test key; sign in with a live key to see live data',
        );
      }
      const target =
        request.body.mode === 'live' ? current.liveAccountId : await testTwinOf(db, current.liveAccountId);
      if (target !== request.accountId) await switchSessionAccount(db, token, target);
      request.log.info({ account_id: target, mode: request.body.mode }, 'dashboard session switched mode');
      const account = await getAccount(db, target);
      reply.header('cache-control', 'no-store');
      return {
        account_id: target,
        account_name: account?.name ?? '',
        mode: request.body.mode,
        csrf_token: csrfTokenFor(token),
        expires_at: null,
      };
    },
  );
}
