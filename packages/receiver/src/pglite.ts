// `@bookflow/receiver/pglite`: PostgreSQL embedded in the process (PGlite) for PostgresStore.
// Needs the `@electric-sql/pglite` package (optional peer).
export { openPGlite } from './stores/postgres/open-pglite.ts';
export { fromPGlite, type PGliteAdapterOptions } from './stores/postgres/pglite-adapter.ts';
