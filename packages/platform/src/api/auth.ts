import { createHash, timingSafeEqual } from 'node:crypto';
import type { Queryable } from '@bookflow/pg';
import type { FastifyRequest } from 'fastify';
import { accountIdForKey } from '../accounts/accounts.ts';
import { ApiError } from '../errors/catalogue.ts';

declare module 'fastify' {
  interface FastifyRequest {
    /** The authenticated account; set by the account auth hook. */
    accountId: string;
  }
}

function bearer(request: FastifyRequest): string | null {
  const header = request.headers.authorization;
  if (!header) return null;
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
  return match ? match[1]! : null;
}

/** Compares digests so neither length nor content leaks through timing. */
function sameSecret(a: string, b: string): boolean {
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

export function accountAuth(db: Queryable) {
  return async (request: FastifyRequest) => {
    const token = bearer(request);
    if (!token) throw new ApiError('unauthorized', 'send Authorization: Bearer <api key>');
    const accountId = await accountIdForKey(db, token);
    if (!accountId) throw new ApiError('unauthorized', 'the API key is unknown or revoked');
    request.accountId = accountId;
  };
}
