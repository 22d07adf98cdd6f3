import { defineMigrations, type MigrationSet } from '@bookflow/pg';

/**
 * The platform's numbered, forward-only migrations (`packages/platform/migrations/0001_initial.sql`,
 * ...), with their own history table and lock key: the receiver kit may share the database with its
 * own. Several processes starting at once apply each migration once. The files sit at the package's
 * root, apart from the code: they are the schema's history, and a shipped one is never edited.
 */
export const PLATFORM_MIGRATIONS: MigrationSet = {
  dir: new URL('../../migrations/', import.meta.url),
  table: 'schema_migrations',
  lockKey: 7_340_211_001,
};

export const { migrate, loadMigrations } = defineMigrations(PLATFORM_MIGRATIONS);
