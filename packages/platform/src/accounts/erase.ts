import type { Db, Queryable } from '@bookflow/pg';

/** What an account erasure deleted, per kind of row. */
export interface ErasureCounts {
  accounts: number;
  api_keys: number;
  endpoints: number;
  endpoint_secrets: number;
  events: number;
  /** Events that carried an Idempotency-Key (the key is stored on the event; counted among events too). */
  idempotency_keys: number;
  deliveries: number;
  delivery_attempts: number;
}

export type EraseAccountResult = { ok: true; erased: ErasureCounts } | { ok: false; reason: 'not_found' };

async function deleted(tx: Queryable, sql: string, accountIds: string[]): Promise<number> {
  return (await tx.query(sql, [accountIds])).rowCount;
}

/**
 * Erases an account and every row that belongs to it, in one transaction (GDPR erasure): nothing
 * is kept, not even the audit rows that event erasure keeps. A live account's test twin (test
 * mode, sandbox/test-twin.ts) and all its rows go with it; the counts include them.
 *
 * Rows are locked before anything is deleted, endpoints first and then deliveries, the order in
 * which a worker recording an attempt takes them. A worker that finishes an attempt meanwhile
 * therefore either records before the erasure (and its attempt is erased with the rest), or waits
 * and then finds no delivery to update, in which case it keeps no attempt: recording only updates
 * rows that exist, and inserts an attempt only for a row it updated.
 */
export async function eraseAccount(db: Db, accountId: string): Promise<EraseAccountResult> {
  return db.transaction(async (tx) => {
    const found = await tx.query<{ id: string }>(
      'select id from accounts where id = $1 or live_account_id = $1 order by id for update',
      [accountId],
    );
    const ids = found.rows.map((r) => r.id);
    if (!ids.includes(accountId)) return { ok: false, reason: 'not_found' } as const;
    await tx.query('select id from endpoints where account_id = any($1::text[]) order by id for update', [
      ids,
    ]);
    await tx.query('select id from deliveries where account_id = any($1::text[]) order by id for update', [
      ids,
    ]);
    const { rows } = await tx.query<{ n: number }>(
      'select count(*)::int as n from events where account_id = any($1::text[]) and idempotency_key is not null',
      [ids],
    );
    // Children before parents, as the foreign keys require.
    const delivery_attempts = await deleted(
      tx,
      'delete from delivery_attempts where delivery_id in (select id from deliveries where account_id = any($1::text[]))',
      ids,
    );
    const deliveries = await deleted(tx, 'delete from deliveries where account_id = any($1::text[])', ids);
    const events = await deleted(tx, 'delete from events where account_id = any($1::text[])', ids);
    const endpoint_secrets = await deleted(
      tx,
      'delete from endpoint_secrets where endpoint_id in (select id from endpoints where account_id = any($1::text[]))',
      ids,
    );
    const endpoints = await deleted(tx, 'delete from endpoints where account_id = any($1::text[])', ids);
    const api_keys = await deleted(tx, 'delete from api_keys where account_id = any($1::text[])', ids);
    // One statement for the live account and its twin: the twin's reference is checked at its end.
    const accounts = await deleted(tx, 'delete from accounts where id = any($1::text[])', ids);
    const erased: ErasureCounts = {
      accounts,
      api_keys,
      endpoints,
      endpoint_secrets,
      events,
      idempotency_keys: rows[0]?.n ?? 0,
      deliveries,
      delivery_attempts,
    };
    return { ok: true, erased } as const;
  });
}
