import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Db, migrate as migrateSet, openPglite } from '@bookflow/pg';
import { afterEach, describe, expect, it } from 'vitest';
import { createAccount } from '../../src/accounts/accounts.ts';
import { loadMigrations, migrate } from '../../src/db/migrate.ts';

const DIR = fileURLToPath(new URL('../../migrations/', import.meta.url));

describe('migration 0006 (schema versions, plans, usage)', () => {
  let db: Db | null = null;
  let folder: string | null = null;

  afterEach(async () => {
    await db?.close();
    if (folder) rmSync(folder, { recursive: true, force: true });
  });

  it('keeps accounts and endpoints that existed on 2026-04-10; new ones get the newest version', async () => {
    // A database as it was before 0006: the earlier files, applied under the platform's own history table.
    folder = mkdtempSync(join(tmpdir(), 'bookflow-mig-'));
    for (const m of loadMigrations().filter((m) => m.version < 6)) {
      copyFileSync(join(DIR, `${m.name}.sql`), join(folder, `${m.name}.sql`));
    }
    db = await openPglite(null);
    await migrateSet(db, { dir: folder, table: 'schema_migrations', lockKey: 7_340_211_001 });
    await db.query("insert into accounts (id, name) values ('acct_old', 'Old')");
    await db.query(
      "insert into endpoints (id, account_id, url, event_types) values ('ep_old', 'acct_old', 'https://example.com/h', '{lead.disqualified}')",
    );

    expect((await migrate(db))[0]).toBe(6);
    const old = await db.query<{ default_schema_version: string; counts_usage: boolean; plan_name: null }>(
      "select default_schema_version, counts_usage, plan_name from accounts where id = 'acct_old'",
    );
    expect(old.rows[0]).toEqual({
      default_schema_version: '2026-04-10',
      counts_usage: true,
      plan_name: null,
    });
    const ep = await db.query<{ schema_version: string }>(
      "select schema_version from endpoints where id = 'ep_old'",
    );
    expect(ep.rows[0]!.schema_version).toBe('2026-04-10');

    const { account } = await createAccount(db, { name: 'New' });
    expect(account.default_schema_version).toBe('2026-09-01');
    const events = await db.query<{ source: string }>(
      "select column_default as source from information_schema.columns where table_name = 'events' and column_name = 'source'",
    );
    expect(events.rows[0]!.source).toContain('api');
  }, 180_000);
});
