// BookFlow's one Postgres layer, used by the platform and the receiver kit. Drivers are loaded
// only by the functions that open a connection (openPostgres, openPglite).

export { type Db, type Queryable, type QueryOptions, type QueryResult, queryOne } from './db.ts';
export { GroupCommit, type GroupCommitOptions, type Pending } from './group-commit.ts';
export { quoteIdentifier } from './identifier.ts';
export { loadDriver, MissingDriverError } from './load-driver.ts';
export {
  defineMigrations,
  loadMigrations,
  type Migration,
  type MigrationSet,
  migrate,
} from './migrations/migrate.ts';
export type { ListenConnection } from './pg/listener.ts';
export { openPostgres, type PostgresOptions } from './pg/open.ts';
export { fromPgPool, type PgAdapterOptions } from './pg/pool-adapter.ts';
export { fromPGlite, openPglite, type PGliteAdapterOptions } from './pglite/adapter.ts';
export { isConnectionLost, isDatabaseUnavailable, isRetryable, withRetries } from './retryable-errors.ts';
export { isRowRefusal } from './row-refusal.ts';
export { Wakeup } from './wakeup.ts';
