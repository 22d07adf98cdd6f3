import { createHash, timingSafeEqual } from 'node:crypto';
import type { Queryable } from '@bookflow/pg';
import type { FastifyRequest } from 'fastify';
import { keyLookupsOf } from '../accounts/key-lookups.ts';
import { accountIdForSession } from '../dashboard-auth/sessions.ts';
import { CSRF_HEADER, csrfMatches, SESSION_COOKIE } from '../dashboard-auth/tokens.ts';
import { ApiError } from '../errors/catalogue.ts';

declare module 'fastify' {
  interface FastifyRequest {
    /** The authenticated account; set by the account auth hook. */
    accountId: string;
    /** How the account authenticated: an API key, or the dashboard's session cookie. */
    authenticatedBy: 'api_key' | 'session';
  }
}

export function bearer(request: FastifyRequest): string | null {
  const header = request.headers.authorization;
  if (!header) return null;
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
  return match ? match[1]! : null;
}

/** The dashboard session token from the cookie, when one was sent. */
export function sessionToken(request: FastifyRequest): string | null {
  const value = request.cookies?.[SESSION_COOKIE];
  return value && value.length <= 200 ? value : null;
}

/** Compares digests so neither length nor content leaks through timing. */
export function sameSecret(a: string, b: string): boolean {
  const da = createHash('sha256').update(a).digest();
  const db = createHash('sha256').update(b).digest();
  return timingSafeEqual(da, db);
}

export function adminAuth(adminToken: string | null) {
  return async (request: FastifyRequest) => {
    const token = bearer(request);
    if (!token) throw new ApiError('unauthorized', 'send Authorization: Bearer <admin token>');
    if (!adminToken || !sameSecret(token, adminToken)) {
      throw new ApiError('admin_token_required', 'this route needs the admin token (BOOKFLOW_ADMIN_TOKEN)');
    }
  };
}

/** Methods that change nothing; every other one made with the session cookie needs the CSRF token. */
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * An account's API key (Authorization: Bearer) or, failing that, the dashboard's session cookie.
 * A request with the cookie that changes state must also carry the session's CSRF token: the
 * cookie is SameSite=Strict already, the token is the second, independent line.
 */
export function accountAuth(db: Queryable, options: { apiKeyOnly?: boolean } = {}) {
  const keys = keyLookupsOf(db);
  return async (request: FastifyRequest) => {
    const token = bearer(request);
    if (token) {
      const accountId = await keys.accountIdForKey(token);
      if (!accountId) throw new ApiError('unauthorized', 'the API key is unknown or revoked');
      request.accountId = accountId;
      request.authenticatedBy = 'api_key';
      return;
    }
    const session = options.apiKeyOnly ? null : sessionToken(request);
    if (!session) throw new ApiError('unauthorized', 'send Authorization: Bearer <api key>');
    const accountId = await accountIdForSession(db, session);
    if (!accountId) throw new ApiError('unauthorized', 'the dashboard session has expired or was signed out');
    if (!SAFE_METHODS.has(request.method)) {
      const presented = request.headers[CSRF_HEADER];
      if (typeof presented !== 'string' || !csrfMatches(session, presented)) {
        throw new ApiError('csrf_token_invalid', `send the session's CSRF token in ${CSRF_HEADER}`);
      }
    }
    request.accountId = accountId;
    request.authenticatedBy = 'session';
  };
}
