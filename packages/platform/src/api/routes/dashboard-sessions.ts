import type { FastifyInstance, FastifyReply } from 'fastify';
import { getAccount } from '../../accounts/accounts.ts';
import { keyLookupsOf } from '../../accounts/key-lookups.ts';
import {
  createSession,
  createSignInLink,
  type DashboardSession,
  redeemSignInLink,
  revokeSession,
} from '../../dashboard-auth/sessions.ts';
import { csrfTokenFor, SESSION_COOKIE } from '../../dashboard-auth/tokens.ts';
import { ApiError } from '../../errors/catalogue.ts';
import { accountMode } from '../../sandbox/test-twin.ts';
import { accountAuth, sameSecret, sessionToken } from '../auth.ts';
import type { RouteDeps } from '../deps.ts';
import { EXAMPLE_IDS } from '../docs/examples.ts';
import { allRequired, optionalFields } from '../docs/object-schema.ts';
import { operation } from '../docs/operation.ts';

export const sessionSchema = {
  ...allRequired({
    account_id: { type: 'string' },
    account_name: { type: 'string' },
    mode: { type: 'string', enum: ['live', 'test'] },
    csrf_token: { type: 'string' },
    expires_at: { type: ['string', 'null'] },
  }),
  examples: [
    {
      account_id: 'acct_4Hq9Zr2mWx7Kp1Ls',
      account_name: 'Acme',
      mode: 'live',
      csrf_token: 'c2VjcmV0LWNzcmYtdG9rZW4',
      expires_at: '2026-11-30T21:00:00.000Z',
    },
  ],
} as const;

export const sessionExample = {
  account_id: EXAMPLE_IDS.account,
  account_name: 'Acme Voice',
  mode: 'live',
  csrf_token: '3EZOX5LYYbH4SgZs1UcU6lnRPkdp5l-6XZo90H9w9zk',
  expires_at: '2026-01-15T21:30:00.000Z',
};

/**
 * Signing in to the dashboard: an API key pasted once, or a one-time link, is exchanged for an
 * HttpOnly, SameSite=Strict session cookie (never readable by scripts, never in local storage).
 */
export function dashboardSessionRoutes(app: FastifyInstance, deps: RouteDeps<'config'>): void {
  const secure = deps.config.publicUrl.startsWith('https:');

  async function signIn(reply: FastifyReply, accountId: string) {
    const session: DashboardSession = await createSession(
      deps.db,
      accountId,
      deps.config.dashboardSessionTtlMs,
    );
    const account = await getAccount(deps.db, accountId);
    const mode = await accountMode(deps.db, accountId);
    void reply.setCookie(SESSION_COOKIE, session.token, {
      httpOnly: true,
      sameSite: 'strict',
      secure,
      path: '/',
      expires: session.expiresAt,
    });
    reply.header('cache-control', 'no-store');
    return reply.code(201).send({
      account_id: accountId,
      account_name: account?.name ?? '',
      mode: mode?.mode ?? 'live',
      csrf_token: csrfTokenFor(session.token),
      expires_at: session.expiresAt.toISOString(),
    });
  }

  app.post<{ Body: { api_key?: string; link_token?: string } }>(
    '/v1/dashboard/sessions',
    {
      schema: operation({
        summary: 'Sign in to the dashboard',
        description:
          'Exchanges an API key or a one-time sign-in link token for a session cookie (HttpOnly, SameSite=Strict). ' +
          'Give exactly one of `api_key` and `link_token`. The admin token cannot sign in.',
        operationId: 'createDashboardSession',
        tag: 'Dashboard sessions',
        auth: 'public',
        body: {
          type: 'object',
          additionalProperties: false,
          minProperties: 1,
          maxProperties: 1,
          properties: {
            api_key: { type: 'string', minLength: 1, maxLength: 200 },
            link_token: { type: 'string', minLength: 1, maxLength: 200 },
          },
        },
        ok: {
          status: 201,
          description: 'Signed in; the session cookie is set',
          schema: sessionSchema,
          example: sessionExample,
        },
        problems: ['unauthorized', 'sign_in_link_invalid'],
      }),
    },
    async (request, reply) => {
      const { api_key: apiKey, link_token: linkToken } = request.body;
      if (linkToken !== undefined) {
        const redeemed = await redeemSignInLink(deps.db, linkToken);
        if (!redeemed.ok) {
          const why = { unknown: 'is not one we issued', expired: 'has expired', used: 'was already used' };
          throw new ApiError(
            'sign_in_link_invalid',
            `the sign-in link ${why[redeemed.reason]}; ask for a new one`,
          );
        }
        request.log.info({ account_id: redeemed.accountId }, 'dashboard sign-in with a link');
        return signIn(reply, redeemed.accountId);
      }
      if (deps.config.adminToken && sameSecret(apiKey!, deps.config.adminToken)) {
        throw new ApiError(
          'unauthorized',
          'the admin token cannot sign in to the dashboard; use an account API key',
        );
      }
      const accountId = await keyLookupsOf(deps.db).accountIdForKey(apiKey!);
      if (!accountId) throw new ApiError('unauthorized', 'the API key is unknown or revoked');
      request.log.info({ account_id: accountId }, 'dashboard sign-in with an API key');
      return signIn(reply, accountId);
    },
  );

  app.get(
    '/v1/dashboard/session',
    {
      onRequest: accountAuth(deps.db),
      schema: operation({
        summary: 'The signed-in dashboard session',
        description:
          'The account of the session cookie, its mode (`live`, or `test` for the test twin) and the CSRF token to send in X-CSRF-Token.',
        operationId: 'getDashboardSession',
        tag: 'Dashboard sessions',
        auth: 'account',
        ok: {
          status: 200,
          description: 'The session (`expires_at` is null: the cookie carries the expiry)',
          schema: sessionSchema,
          example: { ...sessionExample, expires_at: null },
        },
      }),
    },
    async (request, reply) => {
      const token = sessionToken(request);
      if (request.authenticatedBy !== 'session' || !token) {
        throw new ApiError('unauthorized', 'this route describes a dashboard session; sign in first');
      }
      const account = await getAccount(deps.db, request.accountId);
      const mode = await accountMode(deps.db, request.accountId);
      reply.header('cache-control', 'no-store');
      return {
        account_id: request.accountId,
        account_name: account?.name ?? '',
        mode: mode?.mode ?? 'live',
        csrf_token: csrfTokenFor(token),
        expires_at: null,
      };
    },
  );

  app.delete(
    '/v1/dashboard/session',
    {
      onRequest: accountAuth(deps.db),
      schema: operation({
        summary: 'Sign out of the dashboard',
        operationId: 'deleteDashboardSession',
        tag: 'Dashboard sessions',
        auth: 'account',
        ok: { status: 204, description: 'Signed out; the cookie is cleared' },
        problems: ['csrf_token_invalid'],
      }),
    },
    async (request, reply) => {
      const token = sessionToken(request);
      if (token) await revokeSession(deps.db, token);
      void reply.clearCookie(SESSION_COOKIE, { path: '/', httpOnly: true, sameSite: 'strict', secure });
      return reply.code(204).send();
    },
  );

  app.post(
    '/v1/dashboard-links',
    {
      onRequest: accountAuth(deps.db, { apiKeyOnly: true }),
      schema: operation({
        summary: 'Create a one-time dashboard sign-in link',
        description:
          'A link that signs its holder in to this account once, within 10 minutes (BOOKFLOW_DASHBOARD_LINK_TTL). ' +
          'For a SaaS operator sending its customer straight to the dashboard. Needs an API key (not a session).',
        operationId: 'createDashboardLink',
        tag: 'Dashboard sessions',
        auth: 'account',
        ok: {
          status: 201,
          description: 'The one-time link; its token rides in the fragment',
          schema: {
            ...optionalFields({ url: { type: 'string' }, expires_at: { type: 'string' } }),
            examples: [
              { url: 'http://127.0.0.1:8080/?link=bfl_9Qm2…', expires_at: '2026-11-30T09:10:00.000Z' },
            ],
          },
          example: {
            url: 'https://webhooks.example.com/sign-in#token=bfl_CIDpew1QIQ3NX-5GBnN5FzFzUUZ0sJnZrJsrsDqXm2s',
            expires_at: '2026-01-15T09:40:00.000Z',
          },
        },
      }),
    },
    async (request, reply) => {
      const link = await createSignInLink(deps.db, request.accountId, deps.config.dashboardLinkTtlMs);
      // The token rides in the fragment: browsers never send it to a server or in a Referer, so it
      // stays out of access logs; the page posts it to /v1/dashboard/sessions.
      const url = `${deps.config.publicUrl.replace(/\/$/, '')}/sign-in#token=${link.token}`;
      reply.header('cache-control', 'no-store');
      return reply.code(201).send({ url, expires_at: link.expiresAt.toISOString() });
    },
  );
}
