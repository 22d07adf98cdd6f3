import type { Db, Queryable } from '@bookflow/pg';
import { existingTestTwin } from './test-twin.ts';

/** What a wipe deleted, per kind of row. */
export interface WipedCounts {
  endpoints: number;
  endpoint_secrets: number;
  events: number;
  deliveries: number;
  delivery_attempts: number;
}

export interface WipeResult {
  /** The test twin whose data was wiped; null when the account never used test mode. */
  testAccountId: string | null;
  deleted: WipedCounts;
}

const NOTHING: WipedCounts = {
  endpoints: 0,
  endpoint_secrets: 0,
  events: 0,
  deliveries: 0,
  delivery_attempts: 0,
};

async function deleted(tx: Queryable, sql: string, accountId: string): Promise<number> {
  return (await tx.query(sql, [accountId])).rowCount;
}

/**
 * Deletes every endpoint (with its secrets), event, delivery and attempt of the live account's test
 * twin, in one transaction; the twin itself, its API keys and its notification settings stay, so
 * test keys keep working on an empty sandbox. Live rows are never touched: every statement is
 * scoped by the twin's id. Rows are locked endpoints first, then deliveries, as account erasure
 * does and for the same reason (a worker recording an attempt meanwhile finds nothing to update).
 */
export async function wipeTestData(db: Db, liveAccountId: string): Promise<WipeResult> {
  return db.transaction(async (tx) => {
    const twin = await existingTestTwin(tx, liveAccountId);
    if (!twin) return { testAccountId: null, deleted: NOTHING };
    await tx.query('select id from accounts where id = $1 for update', [twin]);
    await tx.query('select id from endpoints where account_id = $1 order by id for update', [twin]);
    await tx.query('select id from deliveries where account_id = $1 order by id for update', [twin]);
    const delivery_attempts = await deleted(
      tx,
      'delete from delivery_attempts where delivery_id in (select id from deliveries where account_id = $1)',
      twin,
    );
    const deliveries = await deleted(tx, 'delete from deliveries where account_id = $1', twin);
    const events = await deleted(tx, 'delete from events where account_id = $1', twin);
    const endpoint_secrets = await deleted(
      tx,
      'delete from endpoint_secrets where endpoint_id in (select id from endpoints where account_id = $1)',
      twin,
    );
    const endpoints = await deleted(tx, 'delete from endpoints where account_id = $1', twin);
    return {
      testAccountId: twin,
      deleted: { endpoints, endpoint_secrets, events, deliveries, delivery_attempts },
    };
  });
}
