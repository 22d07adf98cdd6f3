import { randomBytes, randomUUID } from 'node:crypto';

/** Prefixed random ids (`acct_…`, `ep_…`) so an id pasted in a support ticket says what it is. */
export function prefixedId(prefix: 'acct' | 'ep' | 'key'): string {
  return `${prefix}_${randomBytes(12).toString('base64url')}`;
}

export const uuid = randomUUID;
