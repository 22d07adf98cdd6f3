// What per-endpoint limits cost the claim, and why the limited path locks the endpoint row.
// Usage: npx tsx bench/claim-limits.ts   (PostgreSQL from DATABASE_URL, default postgres://postgres@127.0.0.1:5432/postgres)
//
// 1. The unlimited fast path: claiming 100 due deliveries of an unlimited endpoint that sit behind
//    N due deliveries of a limited endpoint at its limit, beside the claim as it was before limits.
// 2. The probe that every claim makes for limited endpoints, with none configured.
// 3. The cost of one claim for a limited endpoint with a large backlog, beside a one-statement
//    window claim (count in flight, rank the due rows per endpoint, take what fits).
// 4. Ten connections racing for an endpoint with max_concurrency 3: the claim here (endpoint row
//    locked, then count) beside the window claim, which counts without a lock.
import { randomBytes } from 'node:crypto';
import { type Db, openPostgres } from '@bookflow/pg';
import pg from 'pg';
import { migrate } from '../packages/platform/src/db/migrate.ts';
import { claimDue, NO_LIMITS } from '../packages/platform/src/delivery/queue/claim.ts';
import { hasLimitedEndpointsReady } from '../packages/platform/src/delivery/queue/claim-limited.ts';
import { CLAIMED_COLUMNS } from '../packages/platform/src/delivery/queue/claimed-delivery.ts';

const BASE = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const RUNS = 60;

/** The claim as it was before limits: the same statement without the test on the endpoint's limits. */
const CLAIM_BEFORE = `with due as (
    select d.id from deliveries d join endpoints ep on ep.id = d.endpoint_id and ep.status = 'enabled'
     where d.status = 'pending' and d.next_attempt_at <= now()
     order by d.next_attempt_at, d.created_at limit $1 for update of d skip locked)
  update deliveries d set status = 'delivering', lease_expires_at = now() + interval '60 s', leased_by = 'bench',
         updated_at = now()
    from due, events e, endpoints ep
   where d.id = due.id and e.id = d.event_id and ep.id = d.endpoint_id
  returning ${CLAIMED_COLUMNS}`;

/** A window claim without the endpoint lock: counts in-flight rows on the statement's snapshot. */
const CLAIM_WINDOW = `with room as (
    select x.id from (
      select d.id, ep.max_concurrency - (select count(*) from deliveries f
               where f.endpoint_id = ep.id and f.status = 'delivering') as room,
             row_number() over (partition by d.endpoint_id order by d.next_attempt_at, d.created_at) as n
        from deliveries d join endpoints ep on ep.id = d.endpoint_id
       where d.status = 'pending' and d.next_attempt_at <= now() and ep.max_concurrency > 0) x
     where x.n <= x.room),
  locked as (select d.id from deliveries d where d.id in (select id from room) and d.status = 'pending'
              for update skip locked)
  update deliveries d set status = 'delivering', lease_expires_at = now() + interval '60 s', leased_by = $1
    from locked where d.id = locked.id returning d.id`;

async function freshDatabase(): Promise<{ db: Db; url: string; drop(): Promise<void> }> {
  const name = `bookflow_bench_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: BASE });
  await admin.connect();
  await admin.query(`create database ${name}`);
  await admin.end();
  const url = new URL(BASE);
  url.pathname = `/${name}`;
  const db = await openPostgres({ connectionString: url.toString(), max: 4 });
  await migrate(db);
  return {
    db,
    url: url.toString(),
    async drop() {
      await db.close();
      const c = new pg.Client({ connectionString: BASE });
      await c.connect();
      await c.query(`drop database ${name} with (force)`);
      await c.end();
    },
  };
}

async function seed(db: Db, limitedBacklog: number) {
  await db.query(`insert into accounts (id, name) values ('acct_b', 'bench')`);
  await db.query(
    `insert into endpoints (id, account_id, url, event_types, max_concurrency) values
       ('ep_limited', 'acct_b', 'http://x/', '{meeting.booked}', 1),
       ('ep_free', 'acct_b', 'http://y/', '{meeting.booked}', null)`,
  );
  await db.query(
    `insert into events (id, account_id, type, schema_version, body) values (gen_random_uuid(), 'acct_b', 'meeting.booked', 'v', '{}')`,
  );
  const rows = (endpoint: string, n: number, status: string, ageS: number) =>
    db.query(
      `insert into deliveries (id, event_id, endpoint_id, account_id, event_type, status, next_attempt_at, created_at,
                               lease_expires_at)
       select gen_random_uuid(), (select id from events limit 1), $1, 'acct_b', 'meeting.booked', $2,
              now() - make_interval(secs => $3) + g * interval '1 ms', now() - make_interval(secs => $3) + g * interval '1 ms',
              case when $2 = 'delivering' then now() + interval '1 h' end
         from generate_series(1, $4) g`,
      [endpoint, status, ageS, n],
    );
  await rows('ep_limited', 1, 'delivering', 7200); // the limit of 1 is in use
  if (limitedBacklog > 0) await rows('ep_limited', limitedBacklog, 'pending', 3600); // older: first in the index
  await rows('ep_free', 100, 'pending', 60);
  await db.query('analyze');
}

async function timed(fn: () => Promise<unknown>, reset: () => Promise<unknown>): Promise<number> {
  const samples: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const start = performance.now();
    await fn();
    samples.push(performance.now() - start);
    await reset();
  }
  samples.sort((a, b) => a - b);
  return samples[Math.floor(samples.length / 2)]!;
}

const ms = (x: number) => `${x.toFixed(2)} ms`;

console.log(
  '1. claim of 100 unlimited deliveries behind N due deliveries of a saturated limited endpoint (median)',
);
for (const backlog of [0, 1_000, 10_000, 50_000]) {
  const { db, drop } = await freshDatabase();
  try {
    await seed(db, backlog);
    const reset = () =>
      db.query(`update deliveries set status = 'pending', lease_expires_at = null, leased_by = null
                 where endpoint_id = 'ep_free'`);
    const now = await timed(async () => {
      const got = await claimDue(db, { limit: 100, leaseMs: 60_000, workerId: 'bench' });
      if (got.length !== 100) throw new Error(`claimed ${got.length}`);
    }, reset);
    // The old claim would also take the limited endpoint's rows; restore both.
    const before = await timed(
      () => db.query(CLAIM_BEFORE, [100]),
      () =>
        db.query(`update deliveries set status = 'pending', lease_expires_at = null, leased_by = null
                   where leased_by = 'bench'`),
    );
    console.log(
      `   N = ${String(backlog).padStart(6)}: now ${ms(now)}   (claim before limits, no filtering: ${ms(before)})`,
    );
  } finally {
    await drop();
  }
}

{
  const { db, drop } = await freshDatabase();
  try {
    await seed(db, 0);
    await db.query(`update endpoints set max_concurrency = null`);
    const probe = await timed(
      () => hasLimitedEndpointsReady(db, NO_LIMITS, 1_000, { endpoints: [], accounts: [] }),
      async () => {},
    );
    console.log(`2. probe for limited endpoints with none configured: ${ms(probe)} (one round trip)`);
  } finally {
    await drop();
  }
}

{
  const { db, drop } = await freshDatabase();
  try {
    await seed(db, 10_000);
    const reset = () =>
      db.query(`update deliveries set status = 'pending', lease_expires_at = null, leased_by = null
                 where leased_by like 'w%' or leased_by = 'bench'`);
    await db.query(
      `update deliveries set status = 'pending', lease_expires_at = null where status = 'delivering'`,
    );
    await db.query(`update endpoints set max_concurrency = 3 where id = 'ep_limited'`);
    const mine = await timed(() => claimDue(db, { limit: 100, leaseMs: 60_000, workerId: 'bench' }), reset);
    const windowed = await timed(() => db.query(CLAIM_WINDOW, ['w0']), reset);
    console.log(
      `3. one claim with 10,000 due rows to an endpoint with max_concurrency 3: this claim ${ms(mine)}, ` +
        `one-statement window ${ms(windowed)}`,
    );
  } finally {
    await drop();
  }
}

console.log('4. ten connections claiming at once for an endpoint with max_concurrency 3 (20 rounds)');
for (const [name, claim] of [
  [
    'endpoint row locked, then counted (this claim)',
    (db: Db, i: number) => claimDue(db, { limit: 10, leaseMs: 60_000, workerId: `w${i}` }),
  ],
  [
    'one-statement window, no lock',
    (db: Db, i: number) => db.query(CLAIM_WINDOW, [`w${i}`]).then((r) => r.rows),
  ],
] as const) {
  const { db, url, drop } = await freshDatabase();
  const pools = await Promise.all(
    Array.from({ length: 10 }, () => openPostgres({ connectionString: url, max: 1 })),
  );
  try {
    await seed(db, 200);
    await db.query(`update endpoints set max_concurrency = 3 where id = 'ep_limited'`);
    await db.query(`delete from deliveries where status = 'delivering' or endpoint_id = 'ep_free'`);
    let worst = 0;
    for (let round = 0; round < 20; round++) {
      await Promise.all(pools.map((p, i) => claim(p, i)));
      const { rows } = await db.query<{ n: number }>(
        `select count(*)::int as n from deliveries where status = 'delivering'`,
      );
      worst = Math.max(worst, rows[0]!.n);
      await db.query(`update deliveries set status = 'pending', leased_by = null, lease_expires_at = null
                       where status = 'delivering'`);
    }
    console.log(`   ${name}: most in flight after a round ${worst} (limit 3)`);
  } finally {
    await Promise.all(pools.map((p) => p.close()));
    await drop();
  }
}
