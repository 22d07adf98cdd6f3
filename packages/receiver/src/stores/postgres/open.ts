import type pg from 'pg';
import { loadDriver } from '../drivers.ts';
import type { Db } from './db.ts';
import { fromPgPool, type PgAdapterOptions } from './pg-adapter.ts';

export interface OpenPostgresOptions extends Pick<PgAdapterOptions, 'onError'> {
  connectionString: string;
  /** Connections in the pool. Default 10. */
  max?: number;
}

/** A node-postgres pool as a `Db`, loading `pg` only now (an optional peer dependency). */
export async function openPostgres(options: OpenPostgresOptions): Promise<Db> {
  const driver = await loadDriver<{ default: typeof pg }>('pg', 'The PostgreSQL store');
  const pool = new driver.default.Pool({
    connectionString: options.connectionString,
    max: options.max ?? 10,
  });
  return fromPgPool(pool, { onError: options.onError });
}
