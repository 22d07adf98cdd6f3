import { readdir, readFile } from 'node:fs/promises';
import type { Db } from './db.ts';

const MIGRATIONS_DIR = new URL('./migrations/', import.meta.url);

/**
 * Any 64-bit number unique to this purpose. Transaction-scoped (pg_advisory_xact_lock), so it is
 * released by COMMIT or ROLLBACK and a crashed process never leaves it held.
 */
const MIGRATION_LOCK_KEY = 0x626b_6672_6376; // "bkfrcv"

export interface Migration {
  version: number;
  name: string;
  sql: string;
}

export async function loadMigrations(): Promise<Migration[]> {
  const files = (await readdir(MIGRATIONS_DIR)).filter((f) => /^\d{4}_.+\.sql$/.test(f)).sort();
  return Promise.all(
    files.map(async (file) => ({
      version: Number(file.slice(0, 4)),
      name: file.replace(/\.sql$/, ''),
      sql: await readFile(new URL(file, MIGRATIONS_DIR), 'utf8'),
    })),
  );
}

/**
 * Applies pending forward-only migrations in one transaction under an advisory lock, so several
 * receiver processes starting at once apply each migration exactly once: the second waits for the
 * lock, then finds nothing left to do. Returns the versions applied by this call.
 */
export async function migrate(db: Db): Promise<number[]> {
  const migrations = await loadMigrations();
  return db.transaction(async (tx) => {
    await tx.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK_KEY]);
    // Created under the lock: concurrent CREATE TABLE IF NOT EXISTS can still collide in pg_type.
    await tx.exec(`CREATE TABLE IF NOT EXISTS bookflow_receiver_migrations (
      version    integer PRIMARY KEY,
      name       text NOT NULL,
      applied_at timestamptz NOT NULL DEFAULT now()
    )`);
    const { rows } = await tx.query<{ version: number }>('SELECT version FROM bookflow_receiver_migrations');
    const applied = new Set(rows.map((r) => r.version));
    const done: number[] = [];
    for (const migration of migrations) {
      if (applied.has(migration.version)) continue;
      await tx.exec(migration.sql);
      await tx.query('INSERT INTO bookflow_receiver_migrations (version, name) VALUES ($1, $2)', [
        migration.version,
        migration.name,
      ]);
      done.push(migration.version);
    }
    return done;
  });
}
