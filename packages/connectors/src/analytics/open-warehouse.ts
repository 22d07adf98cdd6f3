import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DuckDbWarehouse } from '../warehouse/duckdb/duckdb-warehouse.ts';
import { PostgresWarehouse } from '../warehouse/postgres/postgres-warehouse.ts';
import type { SqlWarehouse } from '../warehouse/warehouse.ts';

export const DEFAULT_DATA_DIR = './.bookflow-analytics';

/** The dbt project shipped with the repository (analytics/ at its root). */
export const DEFAULT_PROJECT_DIR = fileURLToPath(new URL('../../../../analytics/', import.meta.url));

/** Where the DuckDB warehouse lives in a data directory (the receiver's connector uses the same). */
export function duckDbPath(dataDir: string): string {
  return join(dataDir, 'warehouse.duckdb');
}

export class WarehouseUnavailableError extends Error {
  override readonly name = 'WarehouseUnavailableError';
}

export interface WarehouseChoice {
  /** A PostgreSQL connection string; otherwise DuckDB in `dataDir`. */
  postgresUrl?: string;
  dataDir: string;
}

/** Opens the SQL warehouse, saying what to do when another process holds the DuckDB file. */
export async function openSqlWarehouse(choice: WarehouseChoice): Promise<SqlWarehouse> {
  if (choice.postgresUrl) {
    try {
      return await PostgresWarehouse.open(choice.postgresUrl);
    } catch (error) {
      throw new WarehouseUnavailableError(
        `cannot use PostgreSQL at the given URL: ${(error as Error).message}`,
      );
    }
  }
  const path = duckDbPath(choice.dataDir);
  try {
    return await DuckDbWarehouse.open({ path });
  } catch (error) {
    const message = (error as Error).message;
    if (/lock/i.test(message)) {
      throw new WarehouseUnavailableError(
        `${path} is open in another process (a running receiver with the DuckDB warehouse?): DuckDB allows one process at a time, so stop it and run this again, or use --postgres`,
      );
    }
    throw new WarehouseUnavailableError(`cannot open ${path}: ${message}`);
  }
}
