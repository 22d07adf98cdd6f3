import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestDatabase, POSTGRES_URL, type TestDatabase } from '../support/databases.ts';
import { DELIVERIES_CASES } from '../support/deliveries-queries.ts';
import {
  deliveriesIndexesIn,
  recordPlans,
  seedDeliveryHistory,
  seqScansOfDeliveries,
} from '../support/query-plans.ts';

// Plans, not timings: on a seeded and vacuumed history, every path that reads or writes deliveries
// must reach its rows through an index, and the paths that have an index of their own (listing by
// a rare status, the stats, the replay of the dead letter, the reaper) must
// read it. A query that loses its index (an index dropped, or a query rewritten so that no index
// fits) shows here as a sequential scan or as another index. PostgreSQL only: the guarantee is
// about the production server's planner.
describe.skipIf(!POSTGRES_URL)('indexes of deliveries', () => {
  let database: TestDatabase;

  beforeAll(async () => {
    database = await openTestDatabase('postgres');
    // Large enough that a sequential scan costs more than any index path the queries have.
    await seedDeliveryHistory(database.db, 60_000);
  }, 120_000);

  afterAll(async () => {
    await database?.close();
  });

  it.each(DELIVERIES_CASES.map((c) => [c.name, c] as const))(
    '%s: no sequential scan of deliveries, and the indexes it is meant to use',
    async (_name, c) => {
      const plans = await recordPlans(database.url!, (db) => c.run(db));
      expect(plans.filter((p) => /\bdeliveries\b/.test(p.sql)).length).toBeGreaterThan(0);
      const scans = seqScansOfDeliveries(plans, c.seqScanAllowed?.statement);
      expect(scans.map((p) => `${p.sql}\n${p.plan}`)).toEqual([]);
      const read = new Set(plans.flatMap((p) => deliveriesIndexesIn(p.plan)));
      expect((c.uses ?? []).filter((index) => !read.has(index))).toEqual([]);
    },
    30_000,
  );

  it('every foreign key of deliveries has an index led by its column, for the checks of deletes', async () => {
    const { rows } = await database.db.query<{ fk: string; indexed: boolean }>(
      `select c.conname as fk,
              exists (select 1 from pg_index i
                       where i.indrelid = c.conrelid and i.indpred is null and i.indkey[0] = c.conkey[1]) as indexed
         from pg_constraint c
        where c.conrelid = 'deliveries'::regclass and c.contype = 'f'`,
    );
    expect(rows.length).toBeGreaterThan(0);
    expect(rows.filter((r) => !r.indexed).map((r) => r.fk)).toEqual([]);
  });

  it('a claim adds 5 index entries and a success 4 (indexes whose predicate the new row meets)', async () => {
    const { rows } = await database.db.query<{ name: string; predicate: string | null }>(
      `select indexrelid::regclass::text as name, pg_get_expr(indpred, indrelid) as predicate
         from pg_index where indrelid = 'deliveries'::regclass order by 1`,
    );
    const holding = async (status: string) => {
      const names: string[] = [];
      for (const index of rows) {
        const { rows: held } = await database.db.query<{ holds: boolean }>(
          `select coalesce(${index.predicate ?? 'true'}, false) as holds from (select $1::text as status) deliveries`,
          [status],
        );
        if (held[0]!.holds) names.push(index.name);
      }
      return names;
    };
    // Adding to either list costs every delivery one more index entry (issue 12, migration 0012):
    // change these only on purpose.
    expect(await holding('delivering')).toEqual([
      'deliveries_account_created',
      'deliveries_endpoint',
      'deliveries_event',
      'deliveries_leased',
      'deliveries_pkey',
    ]);
    expect(await holding('succeeded')).toEqual([
      'deliveries_account_created',
      'deliveries_endpoint',
      'deliveries_event',
      'deliveries_pkey',
    ]);
  });
});
