import { createHash, randomBytes } from 'node:crypto';
import type { Db, Queryable } from '@bookflow/pg';
import { isPrefixedId, prefixedId } from '../ids/ids.ts';

// An account's API keys: how a key is made and hashed, and the stored keys created, listed and revoked.

/**
 * Live or test (the sandbox): a test key belongs to the account's test twin, so it reaches test
 * data only. The mode is in the key (`bfk_live_…`, `bfk_test_…`) so a person can tell them apart;
 * the platform never trusts that text: a key's mode is its account's. Keys made before test mode
 * (`bfk_…`) are live.
 */
export type KeyMode = 'live' | 'test';

/** A new API key: shown once to the caller, stored only as its hash. */
export function generateApiKey(mode: KeyMode): { key: string; hash: string; prefix: string } {
  const key = `bfk_${mode}_${randomBytes(32).toString('base64url')}`;
  return { key, hash: hashApiKey(key), prefix: key.slice(0, 16) };
}

/**
 * SHA-256 is enough here: keys carry 256 random bits, so there is nothing for a slow hash to
 * protect, and a fast one keeps authentication cheap on the publish path.
 */
export function hashApiKey(key: string): string {
  return createHash('sha256').update(key).digest('hex');
}

export interface ApiKeyRow {
  id: string;
  name: string | null;
  key_prefix: string;
  created_at: Date;
  last_used_at: Date | null;
  revoked_at: Date | null;
}

const COLUMNS = 'id, name, key_prefix, created_at, last_used_at, revoked_at';

/** A key of `accountId`, whose mode it is (a test twin's keys are test keys). */
export async function createApiKey(
  db: Queryable,
  accountId: string,
  name: string | null,
  mode: KeyMode = 'live',
): Promise<ApiKeyRow & { key: string }> {
  const key = generateApiKey(mode);
  const { rows } = await db.query<ApiKeyRow>(
    `insert into api_keys (id, account_id, key_hash, key_prefix, name) values ($1, $2, $3, $4, $5) returning ${COLUMNS}`,
    [prefixedId('key'), accountId, key.hash, key.prefix, name],
  );
  return { ...rows[0]!, key: key.key };
}

export async function listApiKeys(db: Queryable, accountId: string): Promise<ApiKeyRow[]> {
  const { rows } = await db.query<ApiKeyRow>(
    `select ${COLUMNS} from api_keys where account_id = $1 order by created_at, id`,
    [accountId],
  );
  return rows;
}

export type RevokeResult = { ok: true } | { ok: false; reason: 'not_found' | 'last_api_key' };

/**
 * Revokes a key at once. The last active key cannot be revoked, so an account never locks itself
 * out; create a new key first. `not_found` when the key is not this account's.
 */
export async function revokeApiKey(db: Db, accountId: string, id: string): Promise<RevokeResult> {
  if (!isPrefixedId(id, 'key')) return { ok: false, reason: 'not_found' };
  return db.transaction(async (tx): Promise<RevokeResult> => {
    // Lock the account's active keys so two concurrent revocations cannot both pass the check.
    const { rows } = await tx.query<{ id: string }>(
      'select id from api_keys where account_id = $1 and revoked_at is null for update',
      [accountId],
    );
    const known = await tx.query('select 1 from api_keys where id = $1 and account_id = $2', [id, accountId]);
    if (known.rowCount === 0) return { ok: false, reason: 'not_found' };
    if (!rows.some((r) => r.id === id)) return { ok: true }; // already revoked: revoking again changes nothing
    if (rows.length === 1) return { ok: false, reason: 'last_api_key' };
    await tx.query('update api_keys set revoked_at = now() where id = $1', [id]);
    return { ok: true };
  });
}
