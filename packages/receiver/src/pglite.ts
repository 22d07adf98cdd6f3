// `@bookflow/receiver/pglite`: PostgreSQL embedded in the process (PGlite) for PostgresStore.
// Needs the `@electric-sql/pglite` package (optional peer).

import type { Db } from '@bookflow/pg';
import { openPglite } from '@bookflow/pg';

export { fromPGlite, type PGliteAdapterOptions } from '@bookflow/pg';

/** An embedded database in `dataDir` (created if missing), or in memory when none is given. One process per directory. */
export function openPGlite(dataDir?: string): Promise<Db> {
  return openPglite(dataDir ?? null);
}
