import type { Db, Queryable } from '@bookflow/pg';
import { prefixedId } from '../ids/ids.ts';
import { hashToken, newToken } from './tokens.ts';

export interface DashboardSession {
  id: string;
  accountId: string;
  token: string;
  expiresAt: Date;
}

/** Opens a session for an account; the token goes in the cookie and is stored only as a hash. */
export async function createSession(
  db: Queryable,
  accountId: string,
  ttlMs: number,
): Promise<DashboardSession> {
  const { token, hash } = newToken('bfs_');
  const id = prefixedId('sess');
  // Signed in with a live credential when the account is not a test twin (see signedInLive).
  const { rows } = await db.query<{ expires_at: Date }>(
    `insert into dashboard_sessions (id, account_id, token_hash, expires_at, signed_in_live)
     values ($1, $2, $3, now() + make_interval(secs => $4::double precision / 1000),
             coalesce((select mode = 'live' from accounts where id = $2), true))
     returning expires_at`,
    [id, accountId, hash, ttlMs],
  );
  return { id, accountId, token, expiresAt: rows[0]!.expires_at };
}

/** The account of a live session (not expired, not signed out), or null. */
export async function accountIdForSession(db: Queryable, token: string): Promise<string | null> {
  const { rows } = await db.query<{ account_id: string }>(
    `select account_id from dashboard_sessions
      where token_hash = $1 and revoked_at is null and expires_at > now()`,
    [hashToken(token)],
  );
  return rows[0]?.account_id ?? null;
}

/** Signs a session out; signing out twice changes nothing. */
export async function revokeSession(db: Queryable, token: string): Promise<void> {
  await db.query(
    'update dashboard_sessions set revoked_at = now() where token_hash = $1 and revoked_at is null',
    [hashToken(token)],
  );
}

export interface SignInLink {
  token: string;
  expiresAt: Date;
}

/** A one-time sign-in link's token, valid for ttlMs. */
export async function createSignInLink(db: Queryable, accountId: string, ttlMs: number): Promise<SignInLink> {
  const { token, hash } = newToken('bfl_');
  const { rows } = await db.query<{ expires_at: Date }>(
    `insert into dashboard_links (id, account_id, token_hash, expires_at)
     values ($1, $2, $3, now() + make_interval(secs => $4::double precision / 1000)) returning expires_at`,
    [prefixedId('link'), accountId, hash, ttlMs],
  );
  return { token, expiresAt: rows[0]!.expires_at };
}

export type RedeemResult =
  | { ok: true; accountId: string }
  | { ok: false; reason: 'unknown' | 'expired' | 'used' };

/**
 * Uses a sign-in link once. The single conditional update is what makes it single use: of two
 * browsers racing with the same link, only one update matches `used_at is null`.
 */
export async function redeemSignInLink(db: Db, token: string): Promise<RedeemResult> {
  const hash = hashToken(token);
  const { rows } = await db.query<{ account_id: string }>(
    `update dashboard_links set used_at = now()
      where token_hash = $1 and used_at is null and expires_at > now() returning account_id`,
    [hash],
  );
  if (rows[0]) return { ok: true, accountId: rows[0].account_id };
  const { rows: found } = await db.query<{ used: boolean }>(
    'select used_at is not null as used from dashboard_links where token_hash = $1',
    [hash],
  );
  if (!found[0]) return { ok: false, reason: 'unknown' };
  return { ok: false, reason: found[0].used ? 'used' : 'expired' };
}

/**
 * Points a live session at another account (the live account or its test twin). The caller
 * derives `accountId` from the session's own account, so a session never leaves its tenant.
 */
/** Whether the session was opened with a live key or link: only such a session may switch to live. */
export async function signedInLive(db: Queryable, token: string): Promise<boolean> {
  const { rows } = await db.query<{ signed_in_live: boolean }>(
    'select signed_in_live from dashboard_sessions where token_hash = $1',
    [hashToken(token)],
  );
  return rows[0]?.signed_in_live ?? false;
}

export async function switchSessionAccount(db: Queryable, token: string, accountId: string): Promise<void> {
  await db.query(
    `update dashboard_sessions set account_id = $2
      where token_hash = $1 and revoked_at is null and expires_at > now()`,
    [hashToken(token), accountId],
  );
}
