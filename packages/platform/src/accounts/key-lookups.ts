import type { Queryable } from '@bookflow/pg';
import { GroupCommit, type Pending } from '../db/group-commit.ts';
import { hashApiKey } from './api-keys.ts';

const MAX_BATCH = 500;

/**
 * API keys looked up together (db/group-commit.ts), for authentication on busy routes: the
 * requests arriving while one lookup is in the database are answered by the next, one statement
 * for all of them, rather than one statement (and one transaction) each, which on the publish path
 * cost the database as much as the group-committed inserts themselves. Nothing is cached: each
 * lookup's statement starts after the lookup was asked for, so a key revoked before a request
 * arrives is refused on that request, whatever process revoked it.
 */
export class KeyLookups {
  private readonly lookups: GroupCommit<string, string | null>;

  constructor(private readonly db: Queryable) {
    this.lookups = new GroupCommit({ maxBatch: MAX_BATCH, write: (batch) => this.lookUp(batch) });
  }

  /** The account of an unrevoked key, or null. */
  accountIdForKey(key: string): Promise<string | null> {
    return this.lookups.submit(hashApiKey(key));
  }

  private async lookUp(batch: Pending<string, string | null>[]): Promise<void> {
    const hashes = [...new Set(batch.map((p) => p.item))];
    const { rows } = await this.db.query<{
      id: string;
      key_hash: string;
      account_id: string;
      stale: boolean;
    }>(
      `select id, key_hash, account_id, (last_used_at is null or last_used_at < now() - interval '1 minute') as stale
         from api_keys where key_hash = any($1::text[]) and revoked_at is null`,
      [hashes],
      { name: 'bookflow_key_lookup' },
    );
    const accounts = new Map(rows.map((r) => [r.key_hash, r.account_id]));
    for (const p of batch) p.resolve(accounts.get(p.item) ?? null);
    // last_used_at is to the minute; not worth a write per request, nor a wait before answering.
    const stale = rows.filter((r) => r.stale).map((r) => r.id);
    if (stale.length > 0) {
      this.db
        .query('update api_keys set last_used_at = now() where id = any($1::text[])', [stale])
        .catch(() => {});
    }
  }
}

const perDb = new WeakMap<Queryable, KeyLookups>();

/** One KeyLookups per database, shared by every route authenticating against it. */
export function keyLookupsOf(db: Queryable): KeyLookups {
  let lookups = perDb.get(db);
  if (!lookups) {
    lookups = new KeyLookups(db);
    perDb.set(db, lookups);
  }
  return lookups;
}
