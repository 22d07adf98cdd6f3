import { createHash, randomBytes } from 'node:crypto';

const KEY_PREFIX = 'bfk_';

/** A new API key: shown once to the caller, stored only as its hash. */
export function generateApiKey(): { key: string; hash: string; prefix: string } {
  const key = KEY_PREFIX + randomBytes(32).toString('base64url');
  return { key, hash: hashApiKey(key), prefix: key.slice(0, 12) };
}

/**
 * SHA-256 is enough here: keys carry 256 random bits, so there is nothing for a slow hash to
 * protect, and a fast one keeps authentication cheap on the publish path.
 */
export function hashApiKey(key: string): string {
  return createHash('sha256').update(key).digest('hex');
}
