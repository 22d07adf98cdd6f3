import { mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import { type DuckDBConnection, DuckDBInstance, type DuckDBValue } from '@duckdb/node-api';
import type { RawEvent } from '../raw-event.ts';
import { RAW_TABLE, type SqlWarehouse, type WarehouseSession } from '../warehouse.ts';

const CREATE_RAW_TABLE = `
CREATE TABLE IF NOT EXISTS ${RAW_TABLE} (
  event_id       VARCHAR PRIMARY KEY,
  type           VARCHAR NOT NULL,
  account_id     VARCHAR NOT NULL,
  schema_version VARCHAR NOT NULL,
  created_at     TIMESTAMPTZ NOT NULL,
  received_at    TIMESTAMPTZ NOT NULL,
  payload        JSON NOT NULL
)`;

// Rows are appended (DuckDB's appender, far faster than INSERT per row) into a temporary table of
// text columns, then moved across in one INSERT ... SELECT that casts, drops ids seen earlier in
// the batch, and skips ids already in the table: the appender itself cannot skip duplicates.
const CREATE_INCOMING = `
CREATE TEMP TABLE IF NOT EXISTS incoming_raw_events (
  event_id VARCHAR, type VARCHAR, account_id VARCHAR, schema_version VARCHAR,
  created_at VARCHAR, received_at VARCHAR, payload VARCHAR
)`;

const MOVE_INCOMING = `
INSERT INTO ${RAW_TABLE}
SELECT event_id, type, account_id, schema_version, CAST(created_at AS TIMESTAMPTZ),
       CAST(received_at AS TIMESTAMPTZ), CAST(payload AS JSON)
FROM incoming_raw_events
QUALIFY row_number() OVER (PARTITION BY event_id ORDER BY received_at) = 1
ON CONFLICT DO NOTHING`;

export interface DuckDbWarehouseOptions {
  /** The database file; `:memory:` for one that lives as long as the process. */
  path: string;
}

/**
 * The default warehouse: an embedded DuckDB file. One process at a time may open a DuckDB file
 * for writing, so the receiver and `analytics` take turns (or use PostgreSQL to share).
 */
export class DuckDbWarehouse implements SqlWarehouse {
  readonly kind = 'duckdb';
  readonly dialect = 'duckdb' as const;
  // DuckDB runs one statement at a time per connection; this chain keeps callers (the batcher and
  // a transaction) from interleaving their statements on it.
  #queue: Promise<unknown> = Promise.resolve();

  private constructor(
    private readonly instance: DuckDBInstance,
    private readonly connection: DuckDBConnection,
    readonly path: string,
  ) {}

  static async open(options: DuckDbWarehouseOptions): Promise<DuckDbWarehouse> {
    if (options.path !== ':memory:') await mkdir(dirname(options.path), { recursive: true });
    const instance = await DuckDBInstance.create(options.path);
    const connection = await instance.connect();
    const warehouse = new DuckDbWarehouse(instance, connection, options.path);
    await warehouse.prepare();
    return warehouse;
  }

  #serial<T>(fn: () => Promise<T>): Promise<T> {
    const next = this.#queue.then(fn, fn);
    this.#queue = next.catch(() => undefined);
    return next;
  }

  prepare(): Promise<void> {
    return this.#serial(async () => {
      await this.connection.run(CREATE_RAW_TABLE);
      await this.connection.run(CREATE_INCOMING);
    });
  }

  async #insert(rows: readonly RawEvent[]): Promise<number> {
    if (rows.length === 0) return 0;
    await this.connection.run('DELETE FROM incoming_raw_events');
    const appender = await this.connection.createAppender('incoming_raw_events', 'main', 'temp');
    for (const row of rows) {
      appender.appendVarchar(row.eventId);
      appender.appendVarchar(row.type);
      appender.appendVarchar(row.accountId);
      appender.appendVarchar(row.schemaVersion);
      appender.appendVarchar(row.createdAt);
      appender.appendVarchar(row.receivedAt.toISOString());
      appender.appendVarchar(row.payload);
      appender.endRow();
    }
    appender.closeSync();
    const result = await this.connection.run(MOVE_INCOMING);
    return Number(result.rowsChanged);
  }

  insertRaw(rows: readonly RawEvent[]): Promise<number> {
    return this.#serial(async () => {
      await this.connection.run('BEGIN TRANSACTION');
      try {
        const inserted = await this.#insert(rows);
        await this.connection.run('COMMIT');
        return inserted;
      } catch (error) {
        await this.connection.run('ROLLBACK');
        throw error;
      }
    });
  }

  async #query<R>(sql: string, params: readonly unknown[]): Promise<R[]> {
    const reader = await this.connection.runAndReadAll(sql, params as DuckDBValue[]);
    return reader.getRowObjectsJson() as R[];
  }

  transaction<T>(fn: (tx: WarehouseSession) => Promise<T>): Promise<T> {
    return this.#serial(async () => {
      await this.connection.run('BEGIN TRANSACTION');
      try {
        // Inside the serial slot already: the session's statements go straight to the connection.
        const value = await fn({
          insertRaw: (rows) => this.#insert(rows),
          query: (sql, params = []) => this.#query(sql, params),
          exec: async (sql) => {
            await this.connection.run(sql);
          },
        });
        await this.connection.run('COMMIT');
        return value;
      } catch (error) {
        await this.connection.run('ROLLBACK');
        throw error;
      }
    });
  }

  query<R = Record<string, unknown>>(sql: string, params: readonly unknown[] = []): Promise<R[]> {
    return this.#serial(() => this.#query<R>(sql, params));
  }

  exec(sql: string): Promise<void> {
    return this.#serial(async () => {
      await this.connection.run(sql);
    });
  }

  close(): Promise<void> {
    return this.#serial(async () => {
      this.connection.closeSync();
      this.instance.closeSync();
    });
  }
}
