// Which index each statement on `deliveries` uses: every path of
// packages/platform/test/support/deliveries-queries.ts, run through the platform's own functions on
// a seeded history (3 accounts, 30 endpoints, --events deliveries, ~85 % succeeded), each statement
// EXPLAINed and then run, in one transaction rolled back per path. Prints a Markdown table, and the
// size of each index of `deliveries`. Plans, not timings: nothing here measures speed.
// Usage: npx tsx bench/deliveries-plans.ts [--events 300000]
//   (PostgreSQL from DATABASE_URL, default postgres://postgres@127.0.0.1:5432/postgres; the scratch
//   database bookflow_bench_idx_plans_<random> is dropped at the end)
import { openPostgres } from '@bookflow/pg';
import { migrate } from '../packages/platform/src/db/migrate.ts';
import { DELIVERIES_CASES } from '../packages/platform/test/support/deliveries-queries.ts';
import {
  deliveriesIndexesIn,
  recordPlans,
  seedDeliveryHistory,
} from '../packages/platform/test/support/query-plans.ts';
import { createDatabase } from './support/database.ts';

const eventsFlag = process.argv.indexOf('--events');
const EVENTS = eventsFlag > 0 ? Number(process.argv[eventsFlag + 1]) : 300_000;

/** The statement as one short line: whitespace folded, cut after `width` characters. */
function oneLine(sql: string, width = 90): string {
  const flat = sql.replace(/\s+/g, ' ').trim();
  return (flat.length > width ? `${flat.slice(0, width)}…` : flat).replaceAll('|', '\\|');
}

async function main(): Promise<void> {
  const database = await createDatabase('idx_plans');
  try {
    const db = await openPostgres({ connectionString: database.url, max: 2 });
    try {
      await migrate(db);
      console.error(`seeding ${EVENTS} deliveries in ${database.name} …`);
      await seedDeliveryHistory(db, EVENTS);
      const { rows: counts } = await db.query<{ status: string; n: number }>(
        'select status, count(*)::int as n from deliveries group by status order by status',
      );
      console.log(`Deliveries: ${counts.map((c) => `${c.status} ${c.n}`).join(', ')}\n`);
      console.log('| path | kind | statement | indexes of deliveries | seq scan of deliveries |');
      console.log('|---|---|---|---|---|');
      for (const c of DELIVERIES_CASES) {
        const plans = await recordPlans(database.url, (tx) => c.run(tx));
        const seen = new Set<string>();
        for (const p of plans.filter((p) => /\bdeliveries\b/.test(p.sql))) {
          if (seen.has(p.sql + p.plan)) continue; // a statement run in a loop (retention's batches)
          seen.add(p.sql + p.plan);
          const allowed = c.seqScanAllowed?.statement.test(p.sql) ? ` (${c.seqScanAllowed.why})` : '';
          const seq = /Seq Scan on deliveries\b/.test(p.plan) ? `**yes**${allowed}` : '';
          const indexes = deliveriesIndexesIn(p.plan).join(', ') || '–';
          console.log(
            `| ${c.name} | ${c.hot ? 'hot' : 'user/ops'} | \`${oneLine(p.sql)}\` | ${indexes} | ${seq} |`,
          );
          if (process.env.PLANS) console.error(`--- ${c.name}\n${p.sql}\n${p.plan}\n`);
        }
      }
      const { rows: sizes } = await db.query<{ index: string; size: string; definition: string }>(
        `select i.indexrelid::regclass::text as index, pg_size_pretty(pg_relation_size(i.indexrelid)) as size,
                pg_get_indexdef(i.indexrelid) as definition
           from pg_index i where i.indrelid = 'deliveries'::regclass order by 1`,
      );
      console.log('\n| index | size | definition |\n|---|---|---|');
      for (const s of sizes)
        console.log(`| ${s.index} | ${s.size} | \`${s.definition.replace(/^.* USING /, '')}\` |`);
    } finally {
      await db.close();
    }
  } finally {
    await database.drop();
  }
}

await main();
