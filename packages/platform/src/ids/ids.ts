import { randomBytes, randomUUID } from 'node:crypto';

/** Prefixed random ids (`acct_…`, `ep_…`) so an id pasted in a support ticket says what it is. */
export function prefixedId(prefix: 'acct' | 'ep' | 'key' | 'sess' | 'link'): string {
  return `${prefix}_${randomBytes(12).toString('base64url')}`;
}

export const uuid = randomUUID;

const PREFIXED = /^(acct|ep|key)_[A-Za-z0-9_-]{1,64}$/;

/** True when the value has the shape of one of our prefixed ids; anything else cannot exist. */
export function isPrefixedId(value: string, prefix: 'acct' | 'ep' | 'key'): boolean {
  return value.startsWith(`${prefix}_`) && PREFIXED.test(value);
}
