import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { DuckDbWarehouse } from '../../src/warehouse/duckdb/duckdb-warehouse.ts';
import { PostgresWarehouse } from '../../src/warehouse/postgres/postgres-warehouse.ts';
import type { SqlWarehouse } from '../../src/warehouse/warehouse.ts';

export type WarehouseKind = 'duckdb' | 'postgres';

export const POSTGRES_URL = process.env.DATABASE_URL ?? null;

/** DuckDB always; PostgreSQL when DATABASE_URL is set (the global test setup finds a local one). */
export const WAREHOUSES: WarehouseKind[] = POSTGRES_URL ? ['duckdb', 'postgres'] : ['duckdb'];

export function withDatabase(connectionString: string, database: string): string {
  const url = new URL(connectionString);
  url.pathname = `/${database}`;
  return url.toString();
}

/** A fresh PostgreSQL database; drop() removes it. */
export async function createTestDatabase(): Promise<{ url: string; drop(): Promise<void> }> {
  const name = `bookflow_connectors_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: POSTGRES_URL! });
  await admin.connect();
  await admin.query(`create database ${name}`);
  await admin.end();
  return {
    url: withDatabase(POSTGRES_URL!, name),
    async drop() {
      const dropper = new pg.Client({ connectionString: POSTGRES_URL! });
      await dropper.connect();
      await dropper.query(`drop database if exists ${name} with (force)`);
      await dropper.end();
    },
  };
}

export interface TestWarehouse {
  warehouse: SqlWarehouse;
  /** The PostgreSQL URL of its database (postgres only), for child processes. */
  url: string | null;
  close(): Promise<void>;
}

/** An empty warehouse: in-memory DuckDB, or a database of its own on PostgreSQL. */
export async function openTestWarehouse(kind: WarehouseKind): Promise<TestWarehouse> {
  if (kind === 'duckdb') {
    const warehouse = await DuckDbWarehouse.open({ path: ':memory:' });
    return { warehouse, url: null, close: () => warehouse.close() };
  }
  const database = await createTestDatabase();
  const warehouse = await PostgresWarehouse.open(database.url);
  return {
    warehouse,
    url: database.url,
    async close() {
      await warehouse.close();
      await database.drop();
    },
  };
}
