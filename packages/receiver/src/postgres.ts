// `@bookflow/receiver/postgres`: the PostgreSQL store. Needs the `pg` package (optional peer) only
// for openPostgres; fromPgPool takes a pool you made.
export type { Db, Queryable, QueryResult } from './stores/postgres/db.ts';
export { migrate } from './stores/postgres/migrate.ts';
export { type OpenPostgresOptions, openPostgres } from './stores/postgres/open.ts';
export { fromPgPool, type PgAdapterOptions } from './stores/postgres/pg-adapter.ts';
export { PostgresStore, type PostgresStoreOptions } from './stores/postgres/postgres-store.ts';
