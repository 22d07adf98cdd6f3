// `@bookflow/receiver/postgres`: the PostgreSQL store. Needs the `pg` package (optional peer) only
// for openPostgres; fromPgPool takes a pool you made.
export {
  type Db,
  fromPgPool,
  openPostgres,
  type PgAdapterOptions,
  type PostgresOptions,
  type Queryable,
  type QueryResult,
} from '@bookflow/pg';
export { migrate } from './stores/postgres/migrate.ts';
export { PostgresStore, type PostgresStoreOptions } from './stores/postgres/postgres-store.ts';
