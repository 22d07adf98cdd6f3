import { randomBytes } from 'node:crypto';
import { type Db, openPgliteThread, openPostgres, type Queryable } from '@bookflow/pg';
import pg from 'pg';
import { migrate } from '../../src/db/migrate.ts';

export type BackendName = 'pglite' | 'postgres';

export const POSTGRES_URL = process.env.DATABASE_URL ?? null;

/**
 * PGlite always; PostgreSQL when DATABASE_URL is set, which the global test setup does when a local
 * server answers at the default URL (it prints which). Each integration suite runs once per backend.
 */
export const BACKENDS: BackendName[] = POSTGRES_URL ? ['pglite', 'postgres'] : ['pglite'];

export interface TestDatabase {
  db: Db;
  /** Connection string of the fresh database (postgres only), for child processes. */
  url: string | null;
  close(): Promise<void>;
}

/** A fresh, migrated database: its own PostgreSQL database per call, or an in-memory PGlite. */
export async function openTestDatabase(backend: BackendName): Promise<TestDatabase> {
  if (backend === 'pglite') {
    // As the platform opens its embedded database (db/open.ts): PGlite on its own thread.
    const db = await openPgliteThread(null);
    await migrate(db);
    return { db, url: null, close: () => db.close() };
  }
  const name = `bookflow_test_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: POSTGRES_URL! });
  await admin.connect();
  await admin.query(`create database ${name}`);
  await admin.end();
  const url = withDatabase(POSTGRES_URL!, name);
  const db = await openPostgres({ connectionString: url, max: 10 });
  await migrate(db);
  return {
    db,
    url,
    async close() {
      await db.close();
      const dropper = new pg.Client({ connectionString: POSTGRES_URL! });
      await dropper.connect();
      await dropper.query(`drop database if exists ${name} with (force)`);
      await dropper.end();
    },
  };
}

export function withDatabase(connectionString: string, database: string): string {
  const url = new URL(connectionString);
  url.pathname = `/${database}`;
  return url.toString();
}

/** How many deliveries are in each state, e.g. { succeeded: 20 }; states with none are absent. */
export async function countByStatus(db: Queryable): Promise<Record<string, number>> {
  const { rows } = await db.query<{ status: string; n: number }>(
    'select status, count(*)::int as n from deliveries group by status',
  );
  return Object.fromEntries(rows.map((r) => [r.status, r.n]));
}
