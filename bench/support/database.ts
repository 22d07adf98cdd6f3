// A fresh PostgreSQL database per benchmark run, dropped afterwards (also on failure or Ctrl-C).
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { onCleanup } from './cleanup.ts';

export const DATABASE_URL = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

export interface BenchDatabase {
  name: string;
  url: string;
  drop(): Promise<void>;
}

async function withAdmin<T>(fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: DATABASE_URL, connectionTimeoutMillis: 5_000 });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

/**
 * Transactions committed in `database` so far, reads included (pg_stat_database; a backend's
 * counts arrive when it reports, and the snapshot is cleared so the figure is read fresh).
 */
export async function commits(database: string): Promise<number> {
  return withAdmin(async (client) => {
    await client.query('select pg_stat_clear_snapshot()');
    const { rows } = await client.query<{ n: string }>(
      'select xact_commit as n from pg_stat_database where datname = $1',
      [database],
    );
    return Number(rows[0]?.n ?? Number.NaN);
  });
}

/** "PostgreSQL 15.20", or null with the reason when the server cannot be reached. */
export async function postgresVersion(): Promise<{ version: string } | { error: string }> {
  try {
    const version = await withAdmin(
      async (c) => (await c.query('show server_version')).rows[0].server_version,
    );
    return { version: `PostgreSQL ${String(version).split(' ')[0]}` };
  } catch (err) {
    return { error: `${DATABASE_URL.replace(/:[^:@/]*@/, ':***@')}: ${(err as Error).message}` };
  }
}

export async function createDatabase(purpose: string): Promise<BenchDatabase> {
  const name = `bookflow_bench_${purpose}_${randomBytes(3).toString('hex')}`;
  await withAdmin((c) => c.query(`create database ${name}`));
  const url = new URL(DATABASE_URL);
  url.pathname = `/${name}`;
  const drop = onCleanup(`database ${name}`, () =>
    withAdmin((c) => c.query(`drop database if exists ${name} with (force)`)).then(() => {}),
  );
  return { name, url: url.toString(), drop };
}
