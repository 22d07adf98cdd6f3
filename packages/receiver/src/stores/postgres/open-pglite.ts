import { mkdir } from 'node:fs/promises';
import type { PGlite } from '@electric-sql/pglite';
import { loadDriver } from '../drivers.ts';
import type { Db } from './db.ts';
import { fromPGlite } from './pglite-adapter.ts';

/**
 * An embedded PGlite database as a `Db`: in `dataDir` (created if missing), or in memory when
 * none is given. Loads `@electric-sql/pglite` only now (an optional peer dependency). One process
 * only may open a directory.
 */
export async function openPGlite(dataDir?: string): Promise<Db> {
  const driver = await loadDriver<{ PGlite: typeof PGlite }>(
    '@electric-sql/pglite',
    'The embedded PGlite store',
  );
  if (dataDir) await mkdir(dataDir, { recursive: true });
  return fromPGlite(await driver.PGlite.create(dataDir));
}
