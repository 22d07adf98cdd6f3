import { type Db, defineMigrations, openPostgres, type Queryable } from '@bookflow/pg';
import type { RawEvent } from '../raw-event.ts';
import type { SqlWarehouse, WarehouseSession } from '../warehouse.ts';

const migrations = defineMigrations({
  dir: new URL('./migrations/', import.meta.url),
  table: 'bookflow_warehouse_migrations',
  // Unique to the warehouse's migration set (the platform and the receiver kit use others).
  lockKey: 0x626b_666c_7768,
});

// One statement per batch: arrays unnested into rows, so a batch of thousands is one round trip
// with a fixed number of parameters. DISTINCT ON drops an id repeated inside the batch.
const INSERT_RAW = `
INSERT INTO bookflow_raw_events
  (event_id, type, account_id, schema_version, created_at, received_at, payload)
SELECT DISTINCT ON (event_id) event_id, type, account_id, schema_version, created_at, received_at, payload::jsonb
FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::timestamptz[], $6::timestamptz[], $7::text[])
  AS incoming(event_id, type, account_id, schema_version, created_at, received_at, payload)
ORDER BY event_id, received_at
ON CONFLICT (event_id) DO NOTHING`;

/** The rows as the seven arrays of an `unnest` insert, in the table's column order. */
export function unnestParams(rows: readonly RawEvent[]): string[][] {
  return [
    rows.map((r) => r.eventId),
    rows.map((r) => r.type),
    rows.map((r) => r.accountId),
    rows.map((r) => r.schemaVersion),
    rows.map((r) => r.createdAt),
    rows.map((r) => r.receivedAt.toISOString()),
    rows.map((r) => r.payload),
  ];
}

async function insertInto(db: Queryable, rows: readonly RawEvent[]): Promise<number> {
  if (rows.length === 0) return 0;
  const result = await db.query(INSERT_RAW, unnestParams(rows));
  return result.rowCount;
}

/** The raw table in PostgreSQL (the receiver's database or a separate one), via @bookflow/pg. */
export class PostgresWarehouse implements SqlWarehouse {
  readonly kind = 'postgres';
  readonly dialect = 'postgres' as const;

  constructor(
    private readonly db: Db,
    private readonly owned: boolean,
  ) {}

  /** Opens its own pool; close() ends it. */
  static async open(connectionString: string): Promise<PostgresWarehouse> {
    const warehouse = new PostgresWarehouse(await openPostgres({ connectionString, max: 4 }), true);
    await warehouse.prepare();
    return warehouse;
  }

  async prepare(): Promise<void> {
    await migrations.migrate(this.db);
  }

  insertRaw(rows: readonly RawEvent[]): Promise<number> {
    return insertInto(this.db, rows);
  }

  transaction<T>(fn: (tx: WarehouseSession) => Promise<T>): Promise<T> {
    return this.db.transaction((tx) =>
      fn({
        insertRaw: (rows) => insertInto(tx, rows),
        query: async (sql, params = []) => (await tx.query(sql, params)).rows as never[],
        exec: (sql) => tx.exec(sql),
      }),
    );
  }

  async query<R = Record<string, unknown>>(sql: string, params: readonly unknown[] = []): Promise<R[]> {
    return (await this.db.query<R>(sql, params)).rows;
  }

  exec(sql: string): Promise<void> {
    return this.db.exec(sql);
  }

  async close(): Promise<void> {
    if (this.owned) await this.db.close();
  }
}
