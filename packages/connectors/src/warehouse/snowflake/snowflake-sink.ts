import snowflake from 'snowflake-sdk';
import type { RawEvent } from '../raw-event.ts';
import { RAW_TABLE, type RawEventSink } from '../warehouse.ts';

export interface SnowflakeSinkOptions {
  account: string;
  username: string;
  password?: string;
  database: string;
  schema: string;
  warehouse?: string;
}

const CREATE = `CREATE TABLE IF NOT EXISTS ${RAW_TABLE} (
  event_id VARCHAR PRIMARY KEY, type VARCHAR NOT NULL, account_id VARCHAR NOT NULL,
  schema_version VARCHAR NOT NULL, created_at TIMESTAMP_TZ NOT NULL, received_at TIMESTAMP_TZ NOT NULL,
  payload VARIANT NOT NULL)`;

// Snowflake does not enforce primary keys, so idempotence comes from MERGE on event_id; the
// batch's own repeats are dropped with QUALIFY first.
function mergeSql(rows: number): string {
  const values = Array.from({ length: rows }, () => '(?, ?, ?, ?, ?, ?, ?)').join(', ');
  return `MERGE INTO ${RAW_TABLE} AS t USING (
    SELECT column1 AS event_id, column2 AS type, column3 AS account_id, column4 AS schema_version,
           TO_TIMESTAMP_TZ(column5) AS created_at, TO_TIMESTAMP_TZ(column6) AS received_at, PARSE_JSON(column7) AS payload
    FROM VALUES ${values}
    QUALIFY row_number() OVER (PARTITION BY column1 ORDER BY column6) = 1
  ) AS s ON t.event_id = s.event_id
  WHEN NOT MATCHED THEN INSERT (event_id, type, account_id, schema_version, created_at, received_at, payload)
    VALUES (s.event_id, s.type, s.account_id, s.schema_version, s.created_at, s.received_at, s.payload)`;
}

/**
 * The raw table in Snowflake through the official snowflake-sdk. Not tested against Snowflake:
 * no account is reachable from where this is built (see the README); what is tested is the SQL
 * text it sends.
 */
export class SnowflakeSink implements RawEventSink {
  readonly kind = 'snowflake';

  private constructor(private readonly connection: snowflake.Connection) {}

  static async open(options: SnowflakeSinkOptions): Promise<SnowflakeSink> {
    const connection = snowflake.createConnection({ ...options, application: 'BookFlow' });
    await new Promise<void>((resolve, reject) =>
      connection.connect((error) => (error ? reject(error) : resolve())),
    );
    const sink = new SnowflakeSink(connection);
    await sink.prepare();
    return sink;
  }

  #execute(sqlText: string, binds: snowflake.Binds = []): Promise<number> {
    return new Promise((resolve, reject) =>
      this.connection.execute({
        sqlText,
        binds,
        complete: (error, statement) => (error ? reject(error) : resolve(statement.getNumUpdatedRows() ?? 0)),
      }),
    );
  }

  async prepare(): Promise<void> {
    await this.#execute(CREATE);
  }

  insertRaw(rows: readonly RawEvent[]): Promise<number> {
    if (rows.length === 0) return Promise.resolve(0);
    return this.#execute(
      mergeSql(rows.length),
      rows.flatMap((r) => [
        r.eventId,
        r.type,
        r.accountId,
        r.schemaVersion,
        r.createdAt,
        r.receivedAt.toISOString(),
        r.payload,
      ]),
    );
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.connection.destroy(() => resolve()));
  }
}

export { mergeSql as snowflakeMergeSql };
