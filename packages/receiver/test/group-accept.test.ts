import { randomUUID } from 'node:crypto';
import type { Db } from '@bookflow/pg';
import { PGlite } from '@electric-sql/pglite';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { IncomingJob } from '../src/index.ts';
import { fromPGlite } from '../src/pglite.ts';
import { fromPgPool, PostgresStore } from '../src/postgres.ts';
import { createTestDatabase, DATABASE_URL } from './helpers/postgres.ts';

// The PostgreSQL store group-commits concurrent accepts: many deliveries' rows in one statement,
// each answered after its own rows are committed, a row the database refuses failing alone.

function incoming(id = randomUUID(), body?: string): IncomingJob {
  return {
    eventId: id,
    eventType: 'meeting.booked',
    schemaVersion: '2026-04-10',
    body: body ?? JSON.stringify({ id, type: 'meeting.booked', data: { call_id: 'c1' } }),
    headers: { 'x-bookflow-attempt': '1' },
    receivedAt: new Date(),
  };
}

/** The Db with every statement that inserts dedupe rows counted. */
function countingAccepts(db: Db): { db: Db; accepts: () => number } {
  let accepts = 0;
  const counted: Db = {
    query: (sql, params) => {
      if (sql.includes('INSERT INTO bookflow_receiver_dedupe')) accepts++;
      return db.query(sql, params);
    },
    exec: (sql) => db.exec(sql),
    transaction: (fn) => db.transaction(fn),
    listen: (channel, onNotify) => db.listen(channel, onNotify),
    close: () => db.close(),
  };
  return { db: counted, accepts: () => accepts };
}

interface Backend {
  name: string;
  skip: string | false;
  open(): Promise<Db>;
  close(): Promise<void>;
}

function backends(): Backend[] {
  let database: Awaited<ReturnType<typeof createTestDatabase>> | undefined;
  let pool: pg.Pool | undefined;
  let lite: PGlite | undefined;
  return [
    {
      name: 'postgres',
      skip: DATABASE_URL ? false : 'DATABASE_URL is not set and no local PostgreSQL answered',
      async open() {
        database = await createTestDatabase();
        pool = new pg.Pool({ connectionString: database.url, max: 10 });
        // As an application does: a client killed while the pool ends it must not crash the run.
        pool.on('error', () => undefined);
        return fromPgPool(pool, { ownsPool: false });
      },
      async close() {
        await pool?.end();
        await database?.drop();
      },
    },
    {
      name: 'pglite',
      skip: false,
      async open() {
        lite = await PGlite.create();
        return fromPGlite(lite, { ownsDb: false });
      },
      async close() {
        await lite?.close();
      },
    },
  ];
}

for (const backend of backends()) {
  describe.skipIf(backend.skip)(`${backend.name} store: group-committed accepts`, () => {
    let store: PostgresStore;
    let accepts: () => number;
    beforeAll(async () => {
      const counting = countingAccepts(await backend.open());
      accepts = counting.accepts;
      store = await PostgresStore.create({ db: counting.db });
    });
    afterAll(() => backend.close());

    it('writes 200 concurrent deliveries in a few statements, every one enqueued and stored', async () => {
      const before = accepts();
      const jobs = Array.from({ length: 200 }, () => incoming());
      const outcomes = await Promise.all(jobs.map((j) => store.accept(j)));
      expect(outcomes).toEqual(jobs.map(() => 'enqueued'));
      // The first goes alone; the rest arrived while it committed and share the next statement.
      expect(accepts() - before).toBeLessThanOrEqual(3);
      const stored = await store.db.query<{ n: number }>(
        'SELECT count(*)::int AS n FROM bookflow_receiver_jobs WHERE event_id = ANY($1::text[])',
        [jobs.map((j) => j.eventId)],
      );
      expect(stored.rows[0]!.n).toBe(200);
    });

    it('answers one id delivered 20 times in one batch once as enqueued, 19 times as duplicate', async () => {
      const id = randomUUID();
      const others = Array.from({ length: 10 }, () => incoming());
      const outcomes = await Promise.all([
        ...others.map((j) => store.accept(j)),
        ...Array.from({ length: 20 }, () => store.accept(incoming(id))),
      ]);
      expect(outcomes.slice(0, 10)).toEqual(others.map(() => 'enqueued'));
      const forId = outcomes.slice(10);
      expect(forId.filter((o) => o === 'enqueued')).toHaveLength(1);
      expect(forId.filter((o) => o === 'duplicate')).toHaveLength(19);
    });

    it('a row the database refuses fails alone: its neighbours in the batch are enqueued', async () => {
      // NUL cannot be stored in a text column (the intake never sends one; the store still must
      // not let such a row take its batch down with it).
      const refused = incoming(randomUUID(), '{"data":"\u0000"}');
      const neighbours = Array.from({ length: 30 }, () => incoming());
      const settled = await Promise.allSettled([
        store.accept(incoming()),
        ...neighbours.slice(0, 15).map((j) => store.accept(j)),
        store.accept(refused),
        ...neighbours.slice(15).map((j) => store.accept(j)),
      ]);
      const refusedOutcome = settled[16]!;
      expect(refusedOutcome.status).toBe('rejected');
      const others = settled.filter((_, i) => i !== 16);
      expect(others.map((s) => s.status)).toEqual(others.map(() => 'fulfilled'));
      expect(others.map((s) => (s as PromiseFulfilledResult<string>).value)).toEqual(
        others.map(() => 'enqueued'),
      );
      const stored = await store.db.query<{ event_id: string }>(
        'SELECT event_id FROM bookflow_receiver_jobs WHERE event_id = ANY($1::text[])',
        [[refused.eventId, ...neighbours.map((j) => j.eventId)]],
      );
      expect(stored.rows.map((r) => r.event_id).sort()).toEqual(neighbours.map((j) => j.eventId).sort());
      // Refused means not stored at all: a retry of it is not mistaken for a duplicate.
      const dedupe = await store.db.query('SELECT 1 FROM bookflow_receiver_dedupe WHERE event_id = $1', [
        refused.eventId,
      ]);
      expect(dedupe.rows).toHaveLength(0);
    });
  });
}
