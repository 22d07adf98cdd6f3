import { PGlite } from '@electric-sql/pglite';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fromPGlite } from '../src/pglite.ts';
import { fromPgPool, migrate } from '../src/postgres.ts';
import { loadMigrations } from '../src/stores/postgres/migrate.ts';
import { createTestDatabase, DATABASE_URL } from './helpers/postgres.ts';

if (!DATABASE_URL)
  console.warn('[migrate.test.ts] skipped the concurrent Postgres migration test: DATABASE_URL is not set');

describe('migrations', () => {
  it('are numbered, forward-only .sql files', async () => {
    const migrations = await loadMigrations();
    expect(migrations.map((m) => m.version)).toEqual(migrations.map((_, i) => i + 1));
    expect(migrations[0]?.name).toBe('0001_receiver_tables');
  });

  it('apply once on PGlite and are a no-op the second time', { timeout: 60_000 }, async () => {
    const db = fromPGlite(await PGlite.create());
    try {
      const all = (await loadMigrations()).map((m) => m.version);
      expect(await migrate(db)).toEqual(all);
      expect(await migrate(db)).toEqual([]);
    } finally {
      await db.close();
    }
  });

  it('0002 moves jobs queued as jsonb to the body text column', { timeout: 60_000 }, async () => {
    const db = fromPGlite(await PGlite.create());
    try {
      const [first] = await loadMigrations();
      await db.exec(first!.sql);
      await db.exec(`CREATE TABLE bookflow_receiver_migrations (
        version integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())`);
      await db.query(
        "INSERT INTO bookflow_receiver_migrations (version, name) VALUES (1, '0001_receiver_tables')",
      );
      const payload = { id: 'e1', type: 'meeting.booked', data: { n: 1 } };
      await db.query(
        `INSERT INTO bookflow_receiver_jobs (event_id, event_type, schema_version, payload, received_at, run_at)
         VALUES ('e1', 'meeting.booked', '2026-04-10', $1::jsonb, now(), now())`,
        [JSON.stringify(payload)],
      );
      expect(await migrate(db)).toContain(2);
      const { rows } = await db.query<{ body: string }>('SELECT body FROM bookflow_receiver_jobs');
      expect(JSON.parse(rows[0]!.body)).toEqual(payload);
    } finally {
      await db.close();
    }
  });

  describe.skipIf(!DATABASE_URL)('on Postgres', () => {
    let database: Awaited<ReturnType<typeof createTestDatabase>>;
    beforeAll(async () => {
      database = await createTestDatabase();
    });
    afterAll(() => database.drop());

    it('five processes starting at once apply each migration exactly once (advisory lock)', async () => {
      const pools = Array.from({ length: 5 }, () => new pg.Pool({ connectionString: database.url, max: 1 }));
      // As an application does: a client killed while its pool ends it must not crash the run.
      for (const pool of pools) pool.on('error', () => undefined);
      try {
        const results = await Promise.all(
          pools.map((pool) => migrate(fromPgPool(pool, { ownsPool: false }))),
        );
        const all = (await loadMigrations()).map((m) => m.version);
        expect(results.flat().sort()).toEqual(all);
        const { rows } = await pools[0]!.query(
          'SELECT version FROM bookflow_receiver_migrations ORDER BY version',
        );
        expect(rows.map((r) => r.version)).toEqual(all);
      } finally {
        await Promise.all(pools.map((p) => p.end()));
      }
    });
  });
});
