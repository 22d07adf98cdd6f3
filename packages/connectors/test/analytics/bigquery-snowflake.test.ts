import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BigQuerySink } from '../../src/warehouse/bigquery/bigquery-sink.ts';
import { rawEventFromEnvelope } from '../../src/warehouse/raw-event.ts';
import { snowflakeMergeSql } from '../../src/warehouse/snowflake/snowflake-sink.ts';
import { BigQueryFake } from '../support/bigquery-fake.ts';
import { smallFixture } from './small-fixture.ts';

describe('BigQuery sink (the official client pointed at a local fake with apiEndpoint)', () => {
  let fake: BigQueryFake;
  beforeAll(async () => {
    // google-auth-library would otherwise probe the GCE metadata server: traffic stays on loopback.
    process.env.METADATA_SERVER_DETECTION = 'none';
    fake = await new BigQueryFake().start();
  });
  afterAll(() => fake.close());

  it('creates the dataset and table, and streams rows with insertId = event id', async () => {
    const sink = await BigQuerySink.open({
      projectId: 'acme-analytics',
      dataset: 'bookflow',
      apiEndpoint: fake.url,
    });
    const rows = smallFixture().map(
      (e) => (rawEventFromEnvelope(e, new Date('2026-03-05T00:00:00Z')) as { ok: true; event: never }).event,
    );
    await sink.insertRaw(rows.slice(0, 20));
    await sink.insertRaw(rows.slice(10));
    const table = fake.tables.get('acme-analytics:bookflow.bookflow_raw_events')!;
    expect(table.fields.map((f) => f.name)).toEqual([
      'event_id',
      'type',
      'account_id',
      'schema_version',
      'created_at',
      'received_at',
      'payload',
    ]);
    // 31 deliveries, 27 distinct events: the repeats were dropped by insertId.
    expect(table.rows).toHaveLength(27);
    expect(new Set(table.rows.map((r) => r.event_id)).size).toBe(27);
    expect(JSON.parse(String(table.rows[0]!.payload))).toMatchObject({ call_id: 'c1' });
    // Opening again finds what exists instead of creating it.
    await BigQuerySink.open({ projectId: 'acme-analytics', dataset: 'bookflow', apiEndpoint: fake.url });
    expect(fake.tables.size).toBe(1);
  });
});

describe('Snowflake sink (no account reachable here: only the SQL it sends is checked)', () => {
  it('merges on event_id with one bind per column and drops repeats within the batch', () => {
    const sql = snowflakeMergeSql(2);
    expect(sql).toContain('MERGE INTO bookflow_raw_events AS t');
    expect(sql).toContain('ON t.event_id = s.event_id');
    expect(sql).toContain('WHEN NOT MATCHED THEN INSERT');
    expect(sql).toContain('QUALIFY row_number() OVER (PARTITION BY column1 ORDER BY column6) = 1');
    expect(sql.match(/\?/g)).toHaveLength(14);
  });
});
