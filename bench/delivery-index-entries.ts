// Index entries written per delivery, counted, not timed: the WAL records PostgreSQL
// writes for each index of `deliveries` while N deliveries go through the platform's own publish,
// claim and success statements (insertEvents, claimDue, recordSuccesses), read back with
// pg_walinspect (PostgreSQL 15+, superuser). A btree insert is one WAL record, so the counts are
// exact whatever else the server is doing (only this database's relations are counted).
// Usage: npx tsx bench/delivery-index-entries.ts [--deliveries 5000] [--up-to 11]
//   --up-to N applies migrations 0001..N only (e.g. 11: the index set before migration 0012).
//   PostgreSQL from DATABASE_URL (default postgres://postgres@127.0.0.1:5432/postgres); the scratch
//   database bookflow_bench_idx_entries_<random> is dropped at the end.
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Db, migrate, openPostgres } from '@bookflow/pg';
import { loadMigrations, PLATFORM_MIGRATIONS } from '../packages/platform/src/db/migrate.ts';
import { claimDue } from '../packages/platform/src/delivery/queue/claim.ts';
import { recordSuccesses } from '../packages/platform/src/delivery/queue/record-successes.ts';
import { insertEvents, prepare } from '../packages/platform/src/events/outbox.ts';
import { createDatabase } from './support/database.ts';

const flag = (name: string, fallback: number) => {
  const i = process.argv.indexOf(name);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
};
const DELIVERIES = flag('--deliveries', 5000);
const UP_TO = flag('--up-to', Number.POSITIVE_INFINITY);
const WORKER = 'worker-entries';

/** Applies the platform's migrations up to `upTo`, from a copy of the folder holding only those. */
async function migrateUpTo(db: Db, upTo: number): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'bookflow-migrations-'));
  const source = fileURLToPath(PLATFORM_MIGRATIONS.dir);
  try {
    for (const m of loadMigrations().filter((m) => m.version <= upTo)) {
      copyFileSync(join(source, `${m.name}.sql`), join(dir, `${m.name}.sql`));
    }
    await migrate(db, { ...PLATFORM_MIGRATIONS, dir });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

interface PhaseCount {
  relation: string;
  records: number;
  bytes: number;
}

/** WAL records (and their bytes) between two LSNs that touch this database's relations, by relation. */
async function walByRelation(db: Db, from: string, to: string): Promise<PhaseCount[]> {
  const { rows } = await db.query<PhaseCount>(
    `with recs as (
       select r.record_length, r.resource_manager,
              (regexp_match(r.block_ref, 'rel \\d+/(\\d+)/(\\d+)')) as m
         from pg_get_wal_records_info($1::pg_lsn, $2::pg_lsn) r
     )
     select coalesce(c.relname, 'other') as relation, count(*)::int as records, sum(record_length)::int as bytes
       from recs
       left join pg_class c on c.relfilenode = recs.m[2]::oid
      where recs.m[1]::oid = (select oid from pg_database where datname = current_database())
      group by 1 order by 1`,
    [from, to],
  );
  return rows;
}

async function lsn(db: Db): Promise<string> {
  const { rows } = await db.query<{ lsn: string }>('select pg_current_wal_lsn()::text as lsn');
  return rows[0]!.lsn;
}

async function main(): Promise<void> {
  const database = await createDatabase('idx_entries');
  try {
    const db = await openPostgres({ connectionString: database.url, max: 2 });
    try {
      await migrateUpTo(db, UP_TO);
      await db.exec(`create extension if not exists pg_walinspect;
        alter table deliveries set (autovacuum_enabled = false);
        insert into accounts (id, name) values ('acct_e', 'Entries');
        insert into endpoints (id, account_id, url, event_types) values
          ('ep_e', 'acct_e', 'http://127.0.0.1:9/', array['meeting.booked']);`);
      const { rows: indexes } = await db.query<{ name: string }>(
        `select indexrelid::regclass::text as name from pg_index where indrelid = 'deliveries'::regclass order by 1`,
      );

      const t0 = await lsn(db);
      for (let done = 0; done < DELIVERIES; done += 100) {
        const batch = Array.from({ length: Math.min(100, DELIVERIES - done) }, () =>
          prepare({ accountId: 'acct_e', type: 'meeting.booked', data: {} }),
        );
        await insertEvents(db, batch);
      }
      const t1 = await lsn(db);
      let recorded = 0;
      for (;;) {
        const claimed = await claimDue(db, { limit: 100, leaseMs: 60_000, workerId: WORKER });
        if (claimed.length === 0) break;
        const at = new Date();
        const done = await recordSuccesses(
          db,
          WORKER,
          claimed.map((job) => ({
            job,
            startedAt: at,
            result: {
              ok: true,
              statusCode: 200,
              error: null,
              durationMs: 1,
              responseBody: '',
              responseBodyEncoding: 'utf8',
              responseContentType: null,
              responseTruncated: false,
              retryAfterSeconds: null,
            },
          })),
        );
        recorded += done.size;
      }
      const t2 = await lsn(db);
      if (recorded !== DELIVERIES) throw new Error(`recorded ${recorded} of ${DELIVERIES}`);

      const publish = await walByRelation(db, t0, t1);
      const deliver = await walByRelation(db, t1, t2);
      const per = (n: number) => (n / DELIVERIES).toFixed(2);
      console.log(
        `${DELIVERIES} deliveries, migrations up to ${Number.isFinite(UP_TO) ? UP_TO : 'the last'}\n`,
      );
      console.log(
        '| relation | WAL records per delivery: publish | claim + success | WAL bytes per delivery: publish | claim + success |',
      );
      console.log('|---|---|---|---|---|');
      const names = [...new Set([...publish, ...deliver].map((r) => r.relation))].sort();
      const of = (rows: PhaseCount[], relation: string) => rows.find((r) => r.relation === relation);
      const total = { p: 0, d: 0, pb: 0, db: 0, pi: 0, di: 0 };
      for (const relation of names) {
        const p = of(publish, relation);
        const d = of(deliver, relation);
        total.p += p?.records ?? 0;
        total.d += d?.records ?? 0;
        total.pb += p?.bytes ?? 0;
        total.db += d?.bytes ?? 0;
        if (indexes.some((i) => i.name === relation)) {
          total.pi += p?.records ?? 0;
          total.di += d?.records ?? 0;
        }
        console.log(
          `| ${relation} | ${per(p?.records ?? 0)} | ${per(d?.records ?? 0)} | ${per(p?.bytes ?? 0)} | ${per(d?.bytes ?? 0)} |`,
        );
      }
      console.log(`| **indexes of deliveries** | ${per(total.pi)} | ${per(total.di)} | | |`);
      console.log(
        `| **all relations** | ${per(total.p)} | ${per(total.d)} | ${per(total.pb)} | ${per(total.db)} |`,
      );
    } finally {
      await db.close();
    }
  } finally {
    await database.drop();
  }
}

await main();
