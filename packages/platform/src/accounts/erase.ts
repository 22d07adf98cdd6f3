import type { Db } from '@bookflow/pg';

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

type ErasedTable = Exclude<keyof ErasureCounts, 'idempotency_keys'>;

/**
 * Each table's delete, children before parents as the foreign keys require; $1 is the account and
 * its test twin. The accounts are deleted in one statement: the twin's reference is checked at its end.
 */
const DELETES: readonly [ErasedTable, string][] = [
  [
    'delivery_attempts',
    'delete from delivery_attempts where delivery_id in (select id from deliveries where account_id = any($1::text[]))',
  ],
  ['deliveries', 'delete from deliveries where account_id = any($1::text[])'],
  ['events', 'delete from events where account_id = any($1::text[])'],
  [
    'endpoint_secrets',
    'delete from endpoint_secrets where endpoint_id in (select id from endpoints where account_id = any($1::text[]))',
  ],
  ['endpoints', 'delete from endpoints where account_id = any($1::text[])'],
  ['api_keys', 'delete from api_keys where account_id = any($1::text[])'],
  ['accounts', 'delete from accounts where id = any($1::text[])'],
];

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
    const erased: ErasureCounts = {
      accounts: 0,
      api_keys: 0,
      endpoints: 0,
      endpoint_secrets: 0,
      events: 0,
      idempotency_keys: rows[0]?.n ?? 0,
      deliveries: 0,
      delivery_attempts: 0,
    };
    for (const [table, sql] of DELETES) erased[table] = (await tx.query(sql, [ids])).rowCount;
    return { ok: true, erased } as const;
  });
}
