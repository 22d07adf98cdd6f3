import type { Db, Queryable } from '@bookflow/pg';
import { ApiError } from '../errors/catalogue.ts';
import { isPrefixedId, prefixedId } from '../ids/ids.ts';
import { generateApiKey } from './api-keys.ts';

export interface ApiKeyRow {
  id: string;
  name: string | null;
  key_prefix: string;
  created_at: Date;
  last_used_at: Date | null;
  revoked_at: Date | null;
}

const COLUMNS = 'id, name, key_prefix, created_at, last_used_at, revoked_at';

export async function createApiKey(
  db: Queryable,
  accountId: string,
  name: string | null,
): Promise<ApiKeyRow & { key: string }> {
  const key = generateApiKey();
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

/**
 * Revokes a key at once. The last active key cannot be revoked, so an account never locks itself
 * out; create a new key first. Returns false when the key is not this account's.
 */
export async function revokeApiKey(db: Db, accountId: string, id: string): Promise<boolean> {
  if (!isPrefixedId(id, 'key')) return false;
  return db.transaction(async (tx) => {
    // Lock the account's active keys so two concurrent revocations cannot both pass the check.
    const { rows } = await tx.query<{ id: string }>(
      'select id from api_keys where account_id = $1 and revoked_at is null for update',
      [accountId],
    );
    const known = await tx.query('select 1 from api_keys where id = $1 and account_id = $2', [id, accountId]);
    if (known.rowCount === 0) return false;
    if (!rows.some((r) => r.id === id)) return true; // already revoked: revoking again changes nothing
    if (rows.length === 1) {
      throw new ApiError(
        'last_api_key',
        "this is the account's last active API key; create another before revoking it",
      );
    }
    await tx.query('update api_keys set revoked_at = now() where id = $1', [id]);
    return true;
  });
}
