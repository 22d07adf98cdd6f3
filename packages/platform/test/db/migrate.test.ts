import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openPostgres } from '@bookflow/pg';
import { afterEach, describe, expect, it } from 'vitest';
import { loadMigrations, migrate } from '../../src/db/migrate.ts';
import { openDatabase } from '../../src/db/open.ts';
import { openTestDatabase, POSTGRES_URL, type TestDatabase } from '../support/databases.ts';

describe('migrations', () => {
  let database: TestDatabase | null = null;

  afterEach(async () => {
    await database?.close();
    database = null;
  });

  it('are numbered, forward-only files applied once and recorded', async () => {
    const migrations = loadMigrations();
    expect(migrations.map((m) => m.version)).toEqual(migrations.map((_, i) => i + 1));
    database = await openTestDatabase('pglite');
    // openTestDatabase already migrated: running again applies nothing.
    expect(await migrate(database.db)).toEqual([]);
    const { rows } = await database.db.query<{ version: number }>(
      'select version from schema_migrations order by version',
    );
    expect(rows.map((r) => r.version)).toEqual(migrations.map((m) => m.version));
  });

  it('the embedded database keeps its data across restarts of the process', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'bookflow-embedded-'));
    try {
      const first = await openDatabase({ databaseUrl: null, dataDir });
      await first.query(`insert into accounts (id, name) values ('acct_persist', 'Persisted')`);
      await first.close();
      const second = await openDatabase({ databaseUrl: null, dataDir });
      const { rows } = await second.query<{ name: string }>(
        `select name from accounts where id = 'acct_persist'`,
      );
      expect(rows).toEqual([{ name: 'Persisted' }]);
      await second.close();
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });

  it.skipIf(!POSTGRES_URL)(
    'several processes migrating at once apply each migration exactly once',
    async () => {
      database = await openTestDatabase('postgres');
      const { rows } = await database.db.query<{ tablename: string }>(
        `select tablename from pg_tables where schemaname = 'public'`,
      );
      await database.db.query(`drop table ${rows.map((r) => `"${r.tablename}"`).join(', ')} cascade`);
      const racers = await Promise.all(
        Array.from({ length: 5 }, () => openPostgres({ connectionString: database!.url!, max: 2 })),
      );
      try {
        const applied = await Promise.all(racers.map((db) => migrate(db)));
        expect(applied.flat().sort((a, b) => a - b)).toEqual(loadMigrations().map((m) => m.version));
      } finally {
        await Promise.all(racers.map((db) => db.close()));
      }
    },
  );
});
