import {
  type Db,
  loadMigrations as load,
  type Migration,
  type MigrationSet,
  migrate as run,
} from '@bookflow/pg';

/**
 * The platform's numbered, forward-only migrations (`migrations/0001_initial.sql`, ...), with
 * their own history table and lock key: the receiver kit may share the database with its own.
 */
export const PLATFORM_MIGRATIONS: MigrationSet = {
  dir: new URL('./migrations/', import.meta.url),
  table: 'schema_migrations',
  lockKey: 7_340_211_001,
};

export function loadMigrations(): Migration[] {
  return load(PLATFORM_MIGRATIONS.dir);
}

/** Applies the platform's missing migrations; several processes starting at once apply each once. */
export function migrate(db: Db): Promise<number[]> {
  return run(db, PLATFORM_MIGRATIONS);
}
