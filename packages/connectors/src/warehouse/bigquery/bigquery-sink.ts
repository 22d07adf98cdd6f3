import { BigQuery, type BigQueryOptions, type Table } from '@google-cloud/bigquery';
import type { RawEvent } from '../raw-event.ts';
import { RAW_TABLE, type RawEventSink } from '../warehouse.ts';

export interface BigQuerySinkOptions {
  projectId: string;
  dataset: string;
  /** A local fake or emulator of the REST API; unset: Google's. */
  apiEndpoint?: string;
  /** Credentials and the rest, passed to the client as they are (default: Application Default Credentials). */
  client?: BigQueryOptions;
}

// payload as JSON (BigQuery's JSON type), the times as TIMESTAMP: the same columns as elsewhere.
const SCHEMA = {
  fields: [
    { name: 'event_id', type: 'STRING', mode: 'REQUIRED' },
    { name: 'type', type: 'STRING', mode: 'REQUIRED' },
    { name: 'account_id', type: 'STRING', mode: 'REQUIRED' },
    { name: 'schema_version', type: 'STRING', mode: 'REQUIRED' },
    { name: 'created_at', type: 'TIMESTAMP', mode: 'REQUIRED' },
    { name: 'received_at', type: 'TIMESTAMP', mode: 'REQUIRED' },
    { name: 'payload', type: 'JSON', mode: 'REQUIRED' },
  ],
};

/**
 * The raw table in BigQuery through the official client's streaming insert (tabledata.insertAll),
 * with insertId = the event id: BigQuery drops a row whose insertId it saw in the last minute or
 * so (best effort), and the staging model keeps the first copy of an id in any case.
 */
export class BigQuerySink implements RawEventSink {
  readonly kind = 'bigquery';

  private constructor(private readonly table: Table) {}

  static async open(options: BigQuerySinkOptions): Promise<BigQuerySink> {
    const client = new BigQuery({
      projectId: options.projectId,
      apiEndpoint: options.apiEndpoint,
      ...options.client,
    });
    const sink = new BigQuerySink(client.dataset(options.dataset).table(RAW_TABLE));
    await sink.prepare();
    return sink;
  }

  async prepare(): Promise<void> {
    const dataset = this.table.dataset;
    const [datasetExists] = await dataset.exists();
    if (!datasetExists) await dataset.create();
    const [tableExists] = await this.table.exists();
    if (!tableExists) await this.table.create({ schema: SCHEMA });
  }

  async insertRaw(rows: readonly RawEvent[]): Promise<number> {
    if (rows.length === 0) return 0;
    await this.table.insert(
      rows.map((r) => ({
        insertId: r.eventId,
        json: {
          event_id: r.eventId,
          type: r.type,
          account_id: r.accountId,
          schema_version: r.schemaVersion,
          created_at: r.createdAt,
          received_at: r.receivedAt.toISOString(),
          payload: r.payload,
        },
      })),
      { raw: true },
    );
    // insertAll does not say which rows were duplicates.
    return rows.length;
  }

  async close(): Promise<void> {}
}
