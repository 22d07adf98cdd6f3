import type { Queryable } from '@bookflow/pg';
import { prefixedId } from '../ids/ids.ts';

/**
 * Test mode works by twins: a live account's test data lives under a second account row (its test
 * twin, `mode = 'test'`, `live_account_id` naming the live one). Test keys belong to the twin, so
 * every query scoped by the authenticated account id separates live and test data by itself, and
 * a test key can never name a live row (nor a live key a test row).
 */
export interface AccountMode {
  id: string;
  mode: 'live' | 'test';
  /** The live account: the account itself in live mode, the one it is the twin of in test mode. */
  liveAccountId: string;
}

export async function accountMode(db: Queryable, accountId: string): Promise<AccountMode | null> {
  const { rows } = await db.query<{ id: string; mode: 'live' | 'test'; live_account_id: string | null }>(
    'select id, mode, live_account_id from accounts where id = $1',
    [accountId],
  );
  const row = rows[0];
  if (!row) return null;
  return { id: row.id, mode: row.mode, liveAccountId: row.live_account_id ?? row.id };
}

/** The id of the live account's test twin, or null when it has none yet. */
export async function existingTestTwin(db: Queryable, liveAccountId: string): Promise<string | null> {
  const { rows } = await db.query<{ id: string }>('select id from accounts where live_account_id = $1', [
    liveAccountId,
  ]);
  return rows[0]?.id ?? null;
}

/**
 * The live account's test twin, created on first use. Concurrent first uses make one twin: the
 * unique index on live_account_id turns the second insert into a no-op, and both read the same row.
 * The twin has no plan or trial and `counts_usage` false: test events are never counted as usage
 * (nor produce usage.threshold or trial.ending). Its endpoints start on the live account's version.
 */
export async function testTwinOf(db: Queryable, liveAccountId: string): Promise<string> {
  await db.query(
    `insert into accounts (id, name, mode, live_account_id, default_schema_version, counts_usage)
     select $1, name, 'test', id, default_schema_version, false from accounts where id = $2 and mode = 'live'
     on conflict (live_account_id) where live_account_id is not null do nothing`,
    [prefixedId('acct'), liveAccountId],
  );
  const twin = await existingTestTwin(db, liveAccountId);
  if (!twin) throw new Error(`account ${liveAccountId} is not a live account`);
  return twin;
}
