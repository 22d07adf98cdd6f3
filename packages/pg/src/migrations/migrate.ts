import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Db } from '../db.ts';
import { quoteIdentifier } from '../identifier.ts';

export interface Migration {
  version: number;
  /** The file name without `.sql`, e.g. `0001_initial`. */
  name: string;
  sql: string;
}

/**
 * One package's migration history. Each package that owns tables keeps its own folder, its own
 * history table and its own lock key, so several can share one database without seeing each
 * other's versions.
 */
export interface MigrationSet {
  /** Folder of numbered, forward-only files: `0001_initial.sql`, `0002_....sql`. */
  dir: string | URL;
  /** Table recording the applied versions. */
  table: string;
  /** Any 64-bit number unique to this set; it keys the advisory lock that serialises migrators. */
  lockKey: number;
}

const FILE_NAME = /^(\d{4})_[a-z0-9_]+\.sql$/;

export function loadMigrations(dir: string | URL): Migration[] {
  const folder = dir instanceof URL ? fileURLToPath(dir) : dir;
  const migrations = readdirSync(folder)
    .filter((file) => FILE_NAME.test(file))
    .sort()
    .map((file) => ({
      version: Number(file.slice(0, 4)),
      name: file.replace(/\.sql$/, ''),
      sql: readFileSync(join(folder, file), 'utf8'),
    }));
  for (let i = 1; i < migrations.length; i++) {
    if (migrations[i]!.version === migrations[i - 1]!.version)
      throw new Error(`two migrations numbered ${migrations[i]!.version} in ${folder}`);
  }
  return migrations;
}

/**
 * Applies what is missing, each migration in its own transaction under a transaction-level
 * advisory lock, so several processes starting at once apply each migration exactly once (the
 * others wait for the lock, then find it recorded), and a crashed process never leaves the lock
 * held. A file runs as one script (simple protocol), so it may hold any SQL, `;` inside function
 * bodies or strings included. Returns the versions applied by this call.
 */
export async function migrate(db: Db, set: MigrationSet): Promise<number[]> {
  const table = quoteIdentifier(set.table);
  const lock = (tx: { query: Db['query'] }) => tx.query('SELECT pg_advisory_xact_lock($1)', [set.lockKey]);
  await db.transaction(async (tx) => {
    await lock(tx);
    // Created under the lock: concurrent CREATE TABLE IF NOT EXISTS can still collide in pg_type.
    await tx.exec(`CREATE TABLE IF NOT EXISTS ${table} (
      version    integer PRIMARY KEY,
      name       text NOT NULL,
      applied_at timestamptz NOT NULL DEFAULT now()
    )`);
  });
  const applied: number[] = [];
  for (const migration of loadMigrations(set.dir)) {
    const done = await db.transaction(async (tx) => {
      await lock(tx);
      const seen = await tx.query(`SELECT 1 FROM ${table} WHERE version = $1`, [migration.version]);
      if (seen.rowCount > 0) return false;
      await tx.exec(migration.sql);
      await tx.query(`INSERT INTO ${table} (version, name) VALUES ($1, $2)`, [
        migration.version,
        migration.name,
      ]);
      return true;
    });
    if (done) applied.push(migration.version);
  }
  return applied;
}

/** One package's migrations bound to its folder, table and lock key. */
export function defineMigrations(set: MigrationSet): {
  /** Applies the missing migrations; returns the versions this call applied. */
  migrate(db: Db): Promise<number[]>;
  loadMigrations(): Migration[];
} {
  return {
    migrate: (db) => migrate(db, set),
    loadMigrations: () => loadMigrations(set.dir),
  };
}
