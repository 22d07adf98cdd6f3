import { join } from 'node:path';
import { type Db, openPgliteThread, openPostgres } from '@bookflow/pg';
import type { PlatformConfig } from '../config/config.ts';
import { migrate } from './migrate.ts';

/** Opens PostgreSQL when DATABASE_URL is set, the embedded database otherwise, and brings the schema up to date. */
export async function openDatabase(
  config: Pick<PlatformConfig, 'databaseUrl' | 'dataDir'>,
  onError?: (err: Error) => void,
): Promise<Db> {
  const db = config.databaseUrl
    ? await openPostgres({ connectionString: config.databaseUrl, onError })
    : // Embedded: PGlite on a thread of its own, so the API's event loop never waits on SQL.
      await openPgliteThread(join(config.dataDir, 'pgdata'));
  try {
    await migrate(db);
  } catch (err) {
    await db.close();
    throw err;
  }
  return db;
}
