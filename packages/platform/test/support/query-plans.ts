import type { Db, Queryable, QueryResult } from '@bookflow/pg';
import pg from 'pg';

/** A statement the code under test ran, with the plan PostgreSQL chose for it. */
export interface RecordedPlan {
  sql: string;
  plan: string;
}

/**
 * Runs `fn` against a Db on one connection, inside one transaction that is rolled back at the end,
 * so the seeded rows are the same for every call. Each statement is first EXPLAINed with its own
 * parameters (the plan is kept) and then run for real, so the code under test takes the path its
 * answers lead it down. A `transaction` inside `fn` joins the outer one.
 */
export async function recordPlans(url: string, fn: (db: Db) => Promise<unknown>): Promise<RecordedPlan[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  const plans: RecordedPlan[] = [];
  // One statement at a time on the one connection, also when the code under test runs several at
  // once (Promise.all): each EXPLAIN stays next to its statement.
  let last: Promise<unknown> = Promise.resolve();
  const serial = <T>(fn: () => Promise<T>): Promise<T> => {
    const next = last.then(fn, fn);
    last = next.catch(() => {});
    return next;
  };
  const tx: Queryable = {
    query: <R>(sql: string, params?: readonly unknown[]) =>
      serial(async (): Promise<QueryResult<R>> => {
        const explained = await client.query<{ 'QUERY PLAN': string }>(`explain ${sql}`, params as unknown[]);
        plans.push({ sql, plan: explained.rows.map((r) => r['QUERY PLAN']).join('\n') });
        const result = await client.query(sql, params as unknown[]);
        return { rows: result.rows as R[], rowCount: result.rowCount ?? 0 };
      }),
    exec: (sql: string) => serial(async () => void (await client.query(sql))),
  };
  const db: Db = {
    ...tx,
    transaction: (inner) => inner(tx),
    listen: () => Promise.reject(new Error('not available while recording plans')),
    close: async () => {},
  };
  try {
    await client.query('begin');
    await fn(db);
    return plans;
  } finally {
    await client.query('rollback').catch(() => {});
    await client.end();
  }
}

/** The plans that read `deliveries` with a sequential scan, but those of statements `allowed` names. */
export function seqScansOfDeliveries(plans: RecordedPlan[], allowed?: RegExp): RecordedPlan[] {
  return plans.filter((p) => /Seq Scan on deliveries\b/.test(p.plan) && !allowed?.test(p.sql));
}

/** The indexes of `deliveries` a plan reads, in plan order, without repeats. */
export function deliveriesIndexesIn(plan: string): string[] {
  return [...new Set([...plan.matchAll(/(?:using|Scan on) (deliveries_\w+)/g)].map((m) => m[1]!))];
}

/**
 * Seeds a history shaped like a production one: 3 accounts (60, 35 and 5 % of the
 * events; acct_3 is acct_2's test twin) of 10 endpoints each (per account: _8 rate- and
 * concurrency-limited, _9 disabled with its recent deliveries held, _10 deleted with its
 * deliveries dead), `events` events with one delivery each spread over 30 days, about 85 %
 * succeeded, 14 % dead, under 1 % pending (half due, half ahead), held and delivering (recent),
 * and one attempt per finished delivery; then VACUUM ANALYZE. Written with SQL, not through the API: only the shape of
 * the rows matters to the planner.
 */
export async function seedDeliveryHistory(db: Queryable, events: number): Promise<void> {
  await db.exec(`
    insert into accounts (id, name) select 'acct_' || a, 'Account ' || a from generate_series(1, 3) a;
    update accounts set mode = 'test', live_account_id = 'acct_2' where id = 'acct_3';
    insert into endpoints (id, account_id, url, event_types, status, deleted_at, rate_limit, max_concurrency)
    select 'ep_' || a || '_' || e, 'acct_' || a, 'http://127.0.0.1:9/' || e, array['meeting.booked'],
           case when e in (9, 10) then 'disabled' else 'enabled' end,
           case when e = 10 then now() - interval '1 day' end,
           case when e = 8 then 5 end, case when e = 8 then 2 end
      from generate_series(1, 3) a, generate_series(1, 10) e;
    insert into events (id, account_id, type, schema_version, body, created_at)
    select gen_random_uuid(), case when i % 20 < 12 then 'acct_1' when i % 20 < 19 then 'acct_2' else 'acct_3' end,
           'meeting.booked', '2026-09-01', '{}',
           now() - interval '30 days' * (1 - i / ${Number(events)}.0)
      from generate_series(0, ${Number(events)} - 1) i;
    insert into deliveries (id, event_id, endpoint_id, account_id, event_type, status, attempt_count,
                            next_attempt_at, lease_expires_at, leased_by, created_at, updated_at,
                            succeeded_at, dead_at, dead_reason)
    select gen_random_uuid(), e.id, e.ep, e.account_id, e.type, s.st,
           case when s.st = 'pending' then 0 else 1 end,
           case when s.st = 'pending' and e.r < 0.5 then now() + interval '30 minutes' else e.created_at end,
           case when s.st = 'delivering' then now() + interval '30 seconds' end,
           case when s.st = 'delivering' then 'worker-1' end,
           e.created_at, e.created_at,
           case when s.st = 'succeeded' then e.created_at + interval '1 second' end,
           case when s.st = 'dead' then e.created_at + interval '1 hour' end,
           case when s.st = 'dead' then 'attempts_exhausted' end
      from (select e.*, random() as r, random() as r2,
                   replace(e.account_id, 'acct_', 'ep_') || '_' || (1 + abs(hashtext(e.id::text)) % 10) as ep
              from events e) e
     cross join lateral (select case
         when e.ep like '%\\_9' and e.created_at > now() - interval '2 days' then 'held'
         when e.ep like '%\\_10' then 'dead'
         when e.r2 < 0.90 then 'succeeded'
         when e.r2 < 0.95 then 'dead'
         when e.r2 < 0.99 and e.created_at > now() - interval '3 days' then 'pending'
         when e.r2 < 0.99 then 'succeeded'
         when e.created_at > now() - interval '12 hours' then 'delivering'
         else 'succeeded' end as st) s;
    insert into delivery_attempts (delivery_id, series, attempt_number, trigger, scheduled_at, started_at,
                                   duration_ms, outcome, status_code)
    select id, 1, 1, 'publish', created_at, coalesce(succeeded_at, dead_at), 20,
           case when status = 'succeeded' then 'succeeded' else 'failed' end,
           case when status = 'succeeded' then 200 else 500 end
      from deliveries where status in ('succeeded', 'dead');
  `);
  // As autovacuum would have left it: statistics, and a visibility map for index-only scans.
  await db.exec('vacuum analyze accounts, endpoints, events, deliveries, delivery_attempts');
}
