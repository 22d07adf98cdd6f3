import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

// Tokens of the dashboard: the session cookie's value, one-time sign-in links, and the CSRF token
// bound to a session. Only hashes of session and link tokens are stored.

export const SESSION_COOKIE = 'bookflow_session';
export const CSRF_HEADER = 'x-csrf-token';

/** 32 random bytes, with a prefix that says what the token is when one turns up in a ticket. */
export function newToken(prefix: 'bfs_' | 'bfl_'): { token: string; hash: string } {
  const token = prefix + randomBytes(32).toString('base64url');
  return { token, hash: hashToken(token) };
}

/** SHA-256 is enough: the tokens carry 256 random bits (the same reasoning as for API keys). */
export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

/**
 * The CSRF token of a session, derived from the session token rather than stored: a page that can
 * read it (same origin, after sign-in) sends it back in X-CSRF-Token; a cross-site form cannot,
 * since it can neither read the HttpOnly cookie nor our responses. A keyed hash, so the CSRF token
 * reveals nothing about the cookie.
 */
export function csrfTokenFor(sessionToken: string): string {
  return createHmac('sha256', sessionToken).update('bookflow-dashboard-csrf').digest('base64url');
}

export function csrfMatches(sessionToken: string, presented: string | undefined): boolean {
  if (!presented) return false;
  const expected = createHash('sha256').update(csrfTokenFor(sessionToken)).digest();
  const given = createHash('sha256').update(presented).digest();
  return timingSafeEqual(expected, given);
}
