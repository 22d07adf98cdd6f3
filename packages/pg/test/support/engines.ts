import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { type Db, fromPgPool, openPglite, openPgliteThread, openPostgres } from '../../src/index.ts';

export const DATABASE_URL = process.env.DATABASE_URL ?? null;

/**
 * The ways to get a Db, each run through the same suite: embedded PGlite, PostgreSQL opened from a
 * connection string, and PostgreSQL through a pool the application made and keeps (the receiver
 * kit's case). The PostgreSQL ones need DATABASE_URL (set by the global test setup when a local
 * server answers at the default URL).
 */
export type EngineName = 'pglite' | 'pglite-thread' | 'postgres' | 'postgres-user-pool';

/** The in-process engines: PGlite on the caller's thread and on its own. */
export const EMBEDDED: EngineName[] = ['pglite', 'pglite-thread'];

export const ENGINES: EngineName[] = DATABASE_URL
  ? [...EMBEDDED, 'postgres', 'postgres-user-pool']
  : EMBEDDED;

export const POSTGRES_ENGINES = ENGINES.filter((e) => !EMBEDDED.includes(e));

export interface Engine {
  /** A Db on this engine's database; errors it reports go to `onError`. */
  open(onError?: (error: Error) => void): Promise<Db>;
  /** The database's name (PostgreSQL only): to find its backends in pg_stat_activity. */
  databaseName: string | null;
  close(): Promise<void>;
}

/** One fresh database per engine per test file (a new PostgreSQL database, or an in-memory PGlite). */
export async function startEngine(name: EngineName): Promise<Engine> {
  if (name === 'pglite' || name === 'pglite-thread') {
    // PGlite is one in-process database: every open() shares it, as processes share a server.
    const db = name === 'pglite' ? await openPglite(null) : await openPgliteThread(null);
    const shared: Db = { ...db, close: async () => undefined };
    return { open: async () => shared, databaseName: null, close: () => db.close() };
  }
  const databaseName = `bookflow_pg_${randomBytes(6).toString('hex')}`;
  await admin((client) => client.query(`CREATE DATABASE ${databaseName}`));
  const url = new URL(DATABASE_URL!);
  url.pathname = `/${databaseName}`;
  const pools: pg.Pool[] = [];
  return {
    databaseName,
    async open(onError) {
      if (name === 'postgres') return openPostgres({ connectionString: url.toString(), max: 4, onError });
      const pool = new pg.Pool({ connectionString: url.toString(), max: 4 });
      // As an application does: an idle client killed by the DROP ... WITH (FORCE) below, while
      // pool.end() is still closing it, makes the pool emit 'error', fatal without a listener.
      pool.on('error', () => undefined);
      pools.push(pool);
      return fromPgPool(pool, { ownsPool: false, onError });
    },
    async close() {
      await Promise.all(pools.map((p) => p.end()));
      await admin((client) => client.query(`DROP DATABASE IF EXISTS ${databaseName} WITH (FORCE)`));
    },
  };
}

/** Runs `fn` on a connection to the server's default database, outside every Db under test. */
export async function admin<T>(fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: DATABASE_URL! });
  client.on('error', () => undefined);
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

/** Terminates the backends of `database` whose current or last query matches `query` (ILIKE). */
export async function terminateBackends(database: string, query = '%'): Promise<number> {
  return admin(async (client) => {
    const { rows } = await client.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM pg_stat_activity
        WHERE datname = $1 AND pid <> pg_backend_pid() AND query ILIKE $2 AND pg_terminate_backend(pid)`,
      [database, query],
    );
    return rows[0]!.n;
  });
}

/** Waits for `check` to hold, trying every few milliseconds; the test's timeout bounds it. */
export async function eventually(check: () => boolean | Promise<boolean>, everyMs = 20): Promise<void> {
  while (!(await check())) await new Promise((resolve) => setTimeout(resolve, everyMs));
}
