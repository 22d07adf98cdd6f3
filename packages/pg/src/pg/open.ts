import type { Db } from '../db.ts';
import { loadDriver } from '../load-driver.ts';
import type { ListenConnection } from './listener.ts';
import { fromPgPool } from './pool-adapter.ts';

export interface PostgresOptions {
  connectionString: string;
  /** Pool size for queries and transactions. Default 10; LISTEN uses connections of its own. */
  max?: number;
  /** Told about connection errors; the pool and the listener recover by themselves. */
  onError?: (error: Error) => void;
}

/**
 * Opens a PostgreSQL pool from a connection string. `pg` is loaded here, not at import time, so
 * code that never opens a PostgreSQL connection does not need it installed.
 */
export async function openPostgres(options: PostgresOptions): Promise<Db> {
  const { default: pg } = await loadDriver('pg', 'The PostgreSQL store', () => import('pg'));
  const pool = new pg.Pool({ connectionString: options.connectionString, max: options.max ?? 10 });
  // LISTEN holds its connection for the life of the process: a dedicated client, so the pool
  // keeps all of its `max` connections for queries.
  const connectListener = async (): Promise<ListenConnection> => {
    const client = new pg.Client({ connectionString: options.connectionString });
    // Until the listener attaches its own: a failed connect must not crash the process.
    const swallow = () => undefined;
    client.on('error', swallow);
    try {
      await client.connect();
    } catch (error) {
      await client.end().catch(() => undefined);
      throw error;
    }
    client.off('error', swallow);
    return {
      client,
      async release() {
        await client.end().catch(() => undefined);
      },
    };
  };
  return fromPgPool(pool, { ownsPool: true, onError: options.onError, connectListener });
}
