// `npx tsx bench/warehouse.ts [--events N] [--ingest N] [--only duckdb|postgres]`: the warehouse
// figures of the GTM connectors, each beside a plain baseline on the same engine in the same run:
//   ingest  events through a real receiver (MemoryStore, worker concurrency 8) into the raw table
//           by the warehouse connector, vs the same rows written by one plain bulk insert
//   load    `analytics load` of a JSON Lines file, vs the engine's own bulk load of that file
//   funnel  `analytics funnel` (dbt build + schema tests + query), vs one GROUP BY over the raw table
// Prints a Markdown table; results go to bench/RESULTS.md by hand.
import { randomBytes } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { chmod, mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { deliveryHeaders, generateSecret } from '@bookflow/events';
import { createReceiver, MemoryStore } from '@bookflow/receiver';
import { DuckDBInstance } from '@duckdb/node-api';
import pg from 'pg';
import { loadEnvelopes } from '../packages/connectors/src/analytics/load.ts';
import { runFunnel } from '../packages/connectors/src/analytics/run-funnel.ts';
import { connectorsHandler } from '../packages/connectors/src/connector.ts';
import { DuckDbWarehouse } from '../packages/connectors/src/warehouse/duckdb/duckdb-warehouse.ts';
import {
  PostgresWarehouse,
  unnestParams,
} from '../packages/connectors/src/warehouse/postgres/postgres-warehouse.ts';
import { type RawEvent, rawEventFromEnvelope } from '../packages/connectors/src/warehouse/raw-event.ts';
import type { SqlWarehouse } from '../packages/connectors/src/warehouse/warehouse.ts';
import { WarehouseConnector } from '../packages/connectors/src/warehouse/warehouse-connector.ts';
import { funnelTraffic, type LooseEnvelope } from '../packages/connectors/test/support/traffic.ts';

const { values } = parseArgs({
  options: {
    events: { type: 'string', default: '1000000' },
    ingest: { type: 'string', default: '20000' },
    only: { type: 'string' },
  },
});
const LOAD_EVENTS = Number(values.events);
const INGEST_EVENTS = Number(values.ingest);
const DATABASE_URL = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const log = (message: string) =>
  process.stderr.write(`${new Date().toISOString().slice(11, 19)} ${message}\n`);
const rows: string[][] = [];

/** Exactly `n` events of simulated traffic (a lead yields about 2.2; enough leads, then cut). */
function traffic(n: number, seed: number): LooseEnvelope[] {
  return funnelTraffic({ leads: Math.ceil(n / 1.9), seed, spacingSeconds: 7 }).slice(0, n);
}

async function timed<T>(fn: () => Promise<T>): Promise<{ seconds: number; value: T }> {
  const start = process.hrtime.bigint();
  const value = await fn();
  return { seconds: Number(process.hrtime.bigint() - start) / 1e9, value };
}

async function postgresDatabase(): Promise<{ url: string; drop(): Promise<void> }> {
  const name = `bookflow_bench_wh_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: DATABASE_URL });
  await admin.connect();
  await admin.query(`create database ${name}`);
  await admin.end();
  const url = new URL(DATABASE_URL);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    async drop() {
      const c = new pg.Client({ connectionString: DATABASE_URL });
      await c.connect();
      await c.query(`drop database if exists ${name} with (force)`);
      await c.end();
    },
  };
}

async function ingestThroughReceiver(
  warehouse: SqlWarehouse,
  envelopes: LooseEnvelope[],
  concurrency: number,
): Promise<number> {
  const secret = generateSecret();
  const store = new MemoryStore();
  const receiver = createReceiver({ store, secrets: [secret], worker: { concurrency, pollIntervalMs: 20 } });
  const connector = new WarehouseConnector(
    {
      ...warehouse,
      kind: warehouse.kind,
      prepare: async () => {},
      insertRaw: (r) => warehouse.insertRaw(r),
      close: async () => {},
    },
    { flushAtWaiting: concurrency },
  );
  receiver.onAny(connectorsHandler([connector]));
  const deliveries = envelopes.map((e) => {
    const body = JSON.stringify(e);
    const headers = deliveryHeaders({
      eventId: e.id,
      eventType: e.type,
      schemaVersion: e.schema_version,
      attempt: 1,
      deliveredAt: new Date(),
      body,
      secrets: [secret],
    });
    return { headers, body };
  });
  await receiver.start();
  const { seconds } = await timed(async () => {
    for (const d of deliveries) await receiver.handle(d);
    for (;;) {
      const depth = await store.depth();
      if (depth.queued === 0 && depth.running === 0) break;
      await new Promise((r) => setTimeout(r, 5));
    }
  });
  await receiver.stop();
  return seconds;
}

async function writeJsonLines(path: string, envelopes: LooseEnvelope[]): Promise<void> {
  const out = createWriteStream(path);
  for (const e of envelopes)
    if (!out.write(`${JSON.stringify(e)}\n`)) await new Promise<void>((r) => out.once('drain', () => r()));
  await new Promise<void>((resolve) => out.end(resolve));
}

async function bench(
  kind: 'duckdb' | 'postgres',
  dir: string,
  file: string,
  ingest: LooseEnvelope[],
): Promise<void> {
  const db = kind === 'postgres' ? await postgresDatabase() : null;
  const open = async (name: string) =>
    kind === 'duckdb'
      ? DuckDbWarehouse.open({ path: join(dir, `${name}.duckdb`) })
      : PostgresWarehouse.open(db!.url);
  try {
    // 1. ingest through the receiver, vs a plain bulk insert of the same rows
    let warehouse = await open('ingest');
    const ingestSeconds = await ingestThroughReceiver(warehouse, ingest, 8);
    // The same events again with new ids through a receiver running 64 handlers at once: batches of up to 64 rows.
    const wide = ingest.map((e) => ({ ...e, id: `${e.id}-again` }));
    const wideSeconds = await ingestThroughReceiver(warehouse, wide, 64);
    const raw = ingest.map(
      (e) => (rawEventFromEnvelope(e, new Date()) as { ok: true; event: RawEvent }).event,
    );
    if (kind === 'postgres')
      await warehouse.exec('CREATE TABLE plain_raw AS SELECT * FROM bookflow_raw_events WHERE false');
    const plain = await timed(async () => {
      if (kind === 'duckdb') {
        // DuckDB's fastest plain path: its appender, into a table without a key, in a file of its own.
        const instance = await DuckDBInstance.create(join(dir, 'plain.duckdb'));
        const connection = await instance.connect();
        await connection.run(
          'CREATE TABLE plain_raw (event_id VARCHAR, type VARCHAR, account_id VARCHAR, schema_version VARCHAR, created_at VARCHAR, received_at VARCHAR, payload VARCHAR)',
        );
        const appender = await connection.createAppender('plain_raw');
        for (const r of raw) {
          for (const key of ['eventId', 'type', 'accountId', 'schemaVersion', 'createdAt'] as const)
            appender.appendVarchar(r[key]);
          appender.appendVarchar(r.receivedAt.toISOString());
          appender.appendVarchar(r.payload);
          appender.endRow();
        }
        appender.closeSync();
        connection.closeSync();
        instance.closeSync();
      } else {
        for (let i = 0; i < raw.length; i += 5_000) {
          await warehouse.query(
            'INSERT INTO plain_raw SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::timestamptz[], $6::timestamptz[], $7::jsonb[])',
            unnestParams(raw.slice(i, i + 5_000)),
          );
        }
      }
    });
    const [{ n }] = (await warehouse.query<{ n: number }>(
      'SELECT CAST(count(*) AS integer) AS n FROM bookflow_raw_events',
    )) as [{ n: number }];
    rows.push([
      kind,
      `ingest through the receiver (${ingest.length.toLocaleString('en')} events twice, ${Number(n).toLocaleString('en')} rows), worker concurrency 8 / 64`,
      `${Math.round(ingest.length / ingestSeconds).toLocaleString('en')} / ${Math.round(ingest.length / wideSeconds).toLocaleString('en')} events/s`,
      `${kind === 'duckdb' ? 'appender' : 'unnest INSERT'} of the same rows into a table without a key: ${Math.round(ingest.length / plain.seconds).toLocaleString('en')} rows/s`,
    ]);
    log(`${kind} ingest ${ingestSeconds.toFixed(1)} s, plain ${plain.seconds.toFixed(1)} s`);
    await warehouse.close();
    if (db) {
      await db.drop();
      const fresh = await postgresDatabase();
      Object.assign(db, fresh);
    }

    // 2. load the file, vs the engine's own bulk load of it
    warehouse = await open('load');
    const load = await timed(() => loadEnvelopes(warehouse, file));
    const baseline = await timed(async () => {
      if (kind === 'duckdb') {
        await warehouse.exec(
          `CREATE TABLE plain_load AS SELECT * FROM read_json_objects('${file.replaceAll("'", "''")}', format = 'newline_delimited')`,
        );
      } else {
        await warehouse.exec('CREATE TABLE plain_load (doc jsonb)');
        // COPY of whole lines into one jsonb column: CSV mode with quote and delimiter characters no line holds.
        await warehouse.exec(
          `COPY plain_load (doc) FROM '${file.replaceAll("'", "''")}' WITH (FORMAT csv, QUOTE e'\\x01', DELIMITER e'\\x02')`,
        );
      }
    });
    rows.push([
      kind,
      `analytics load (${load.value.inserted.toLocaleString('en')} events)`,
      `${load.seconds.toFixed(1)} s (${Math.round(load.value.inserted / load.seconds).toLocaleString('en')} events/s)`,
      `${kind === 'duckdb' ? 'read_json_objects' : 'COPY'} of the file into one JSON column: ${baseline.seconds.toFixed(1)} s`,
    ]);
    log(`${kind} load ${load.seconds.toFixed(1)} s, baseline ${baseline.seconds.toFixed(1)} s`);

    // 3. the funnel over them, vs one GROUP BY over the raw table
    const funnel = await timed(() => runFunnel(warehouse, { by: ['source', 'campaign'] }));
    const scan = await timed(() =>
      warehouse.query(
        `SELECT payload->'lead'->>'source' AS source, payload->'lead'->>'campaign' AS campaign, count(*) AS n FROM bookflow_raw_events WHERE type = 'call.started' GROUP BY 1, 2`,
      ),
    );
    const again = await timed(() => runFunnel(warehouse, { by: ['source', 'campaign'] }));
    rows.push([
      kind,
      `analytics funnel by source, campaign (dbt build + ${funnel.value.failedTests.length === 0 ? 'all' : 'FAILED'} schema tests + query)`,
      `${funnel.seconds.toFixed(1)} s (again: ${again.seconds.toFixed(1)} s)`,
      `one GROUP BY over the raw table: ${scan.seconds.toFixed(2)} s`,
    ]);
    log(`${kind} funnel ${funnel.seconds.toFixed(1)} s, scan ${scan.seconds.toFixed(2)} s`);
    await warehouse.close();
  } finally {
    await db?.drop();
  }
}

const dir = await mkdtemp(join(tmpdir(), 'bookflow-bench-wh-'));
// The PostgreSQL server reads the file for its COPY baseline.
await chmod(dir, 0o755);
try {
  log(`generating ${LOAD_EVENTS.toLocaleString('en')} events`);
  const file = join(dir, 'events.jsonl');
  await writeJsonLines(file, traffic(LOAD_EVENTS, 21));
  log(`${file}: ${((await stat(file)).size / 2 ** 20).toFixed(0)} MiB`);
  const ingest = traffic(INGEST_EVENTS, 22);
  for (const kind of ['duckdb', 'postgres'] as const) {
    if (values.only && values.only !== kind) continue;
    await bench(kind, dir, file, ingest);
  }
  process.stdout.write('| engine | what | figure | baseline, same run |\n|---|---|---|---|\n');
  for (const row of rows) process.stdout.write(`| ${row.join(' | ')} |\n`);
} finally {
  await rm(dir, { recursive: true, force: true });
}
