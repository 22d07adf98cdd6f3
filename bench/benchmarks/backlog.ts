// Benchmark 4: does the cost of claiming stay flat as the table fills with deliveries that are not
// due yet (retries hours away)? At each backlog size the same batch of events is published and
// delivered by a fresh worker process; reported: the worker's claim statement latency (as the
// worker sees it, from the timed Db), the delivery rate, and the worker's RSS. Baseline: size 0.
//
// Parked rows are inserted with one INSERT ... SELECT over generate_series (a million rows in one
// statement), pending, due 30 days from now, on the same endpoint as the live traffic, then the
// table is ANALYZEd as autovacuum would eventually do.

import { SCHEMA_VERSION } from '@bookflow/events';
import type { Db } from '@bookflow/pg';
import pg from 'pg';
import { claimDue } from '../../packages/platform/src/delivery/queue/claim.ts';
import { startChild } from '../support/child-process.ts';
import type { BenchContext } from '../support/context.ts';
import { createDatabase } from '../support/database.ts';
import {
  countEventsIn,
  deliveryRun,
  platformWorkerSpec,
  publishThroughApi,
} from '../support/delivery-run.ts';
import { PUBLISH_BODY, startApi } from '../support/platform-api.ts';
import { progress } from '../support/progress.ts';
import { startReceiver } from '../support/receiver.ts';
import { percentile } from '../support/stats.ts';
import { ms, num, ratio, type Table } from '../support/table.ts';
import { CLAIMS, type StatementTiming } from '../support/timed-db.ts';

interface SizeRun {
  parked: number;
  /** The platform's claimDue alone on one connection, median and p99 of 30, with 100 due and with none. */
  alone: { due: [number, number]; idle: [number, number] };
  loadSeconds: number;
  rate: number;
  claim?: StatementTiming;
  rss: number;
  peakRss: number;
}

async function park(client: pg.Client, account: string, endpoint: string, rows: number): Promise<number> {
  const t0 = performance.now();
  const { rows: events } = await client.query(
    `insert into events (id, account_id, type, schema_version, body)
     values (gen_random_uuid(), $1, 'meeting.booked', $2, '{}') returning id`,
    [account, SCHEMA_VERSION],
  );
  await client.query(
    `insert into deliveries (id, event_id, endpoint_id, account_id, event_type, status, next_attempt_at, created_at)
     select gen_random_uuid(), $1, $2, $3, 'meeting.booked', 'pending',
            now() + interval '30 days' + g * interval '1 ms', now()
       from generate_series(1, $4::int) g`,
    [events[0].id, endpoint, account, rows],
  );
  await client.query('analyze deliveries');
  return (performance.now() - t0) / 1000;
}

/**
 * The platform's own claim (claimDue) on one connection, nothing else running: each claim of up to
 * 100 rows inside BEGIN ... ROLLBACK, so the same rows are there for the next one.
 */
async function claimAlone(client: pg.Client): Promise<[number, number]> {
  const db: Db = {
    query: async (sql, params) => {
      const res = await client.query(sql, params as unknown[]);
      return { rows: res.rows, rowCount: res.rowCount ?? 0 };
    },
    exec: async (sql) => {
      await client.query(sql);
    },
    transaction: (fn) => fn(db),
    listen: () => Promise.reject(new Error('not used')),
    close: async () => {},
  };
  const samples: number[] = [];
  for (let i = 0; i < 30; i++) {
    await client.query('begin');
    const t0 = performance.now();
    await claimDue(db, { limit: 100, leaseMs: 60_000, workerId: 'bench-claim' });
    samples.push(performance.now() - t0);
    await client.query('rollback');
  }
  samples.sort((a, b) => a - b);
  return [percentile(samples, 50), percentile(samples, 99)];
}

export async function backlogBench(ctx: BenchContext): Promise<Table[]> {
  const sizes = [...new Set(ctx.args.backlog)].sort((a, b) => a - b);
  const events = ctx.args.backlogEvents;
  const database = await createDatabase('backlog');
  const receiver = await startReceiver(1);
  const load = await startChild('load', {});
  const client = new pg.Client({ connectionString: database.url });
  const runs: SizeRun[] = [];
  try {
    await client.connect();
    const api = await startApi({ databaseUrl: database.url });
    const account = await api.account(receiver.urls);
    let parked = 0;
    for (const size of sizes) {
      let loadSeconds = 0;
      if (size > parked) {
        progress(`backlog: parking ${num(size - parked)} deliveries due in 30 days (one INSERT ... SELECT)`);
        loadSeconds = await park(client, account.accountId, account.endpointIds[0]!, size - parked);
        progress(`backlog: ${num(size)} parked rows, loaded in ${loadSeconds.toFixed(1)} s`);
        parked = size;
      }
      progress(`backlog ${num(size)}: publishing ${num(events)} events (worker off)`);
      const target = { apiUrl: api.url, key: account.key, countEvents: countEventsIn(database.url) };
      const published = await publishThroughApi(load, target, PUBLISH_BODY, events);
      const due = await claimAlone(client);
      const spec = platformWorkerSpec(database.url, ctx.args.concurrency);
      const run = await deliveryRun(
        `backlog ${num(size)}: platform worker`,
        spec,
        receiver,
        published.events,
      );
      const statements = run.stats.statements as StatementTiming[];
      runs.push({
        parked: size,
        alone: { due, idle: await claimAlone(client) },
        loadSeconds,
        rate: run.rate,
        claim: statements.find((s) => s.statement === CLAIMS),
        rss: run.stats.rss,
        peakRss: run.stats.peakRss,
      });
    }
    await api.stop();
  } finally {
    await client.end().catch(() => {});
    await load.stop();
    await receiver.stop();
    await database.drop();
  }
  const base = runs[0]!;
  const mb = (b: number) => `${Math.round(b / 1048576)} MB`;
  return [
    {
      title: `4. Backlog scaling: ${num(events)} events delivered with N deliveries parked 30 days ahead (${ctx.postgres})`,
      headers: [
        'parked rows',
        'claim 100 alone p50 / p99',
        'vs first',
        'claim, none due',
        'vs first',
        'claim in worker p50 / p99',
        'vs first',
        'deliveries/s',
        'vs first',
        'worker RSS after',
        'peak RSS',
        'rows loaded in',
      ],
      rows: runs.map((r) => [
        num(r.parked),
        `${ms(r.alone.due[0])} / ${ms(r.alone.due[1])}`,
        ratio(r.alone.due[0], base.alone.due[0]),
        ms(r.alone.idle[0]),
        ratio(r.alone.idle[0], base.alone.idle[0]),
        `${ms(r.claim?.p50 ?? Number.NaN)} / ${ms(r.claim?.p99 ?? Number.NaN)}`,
        ratio(r.claim?.p50, base.claim?.p50),
        num(r.rate),
        ratio(r.rate, base.rate),
        mb(r.rss),
        mb(r.peakRss),
        r.loadSeconds ? `${r.loadSeconds.toFixed(1)} s` : '–',
      ]),
      notes: [
        'Claim alone: the platform’s claimDue (limit 100) on one connection with nothing else running, 30 times inside BEGIN … ROLLBACK, with the published events due, then again after they were delivered (none due: the idle poll).',
        `Claim in worker: the worker's statements with FOR UPDATE SKIP LOCKED while it delivers, timed in the worker (pool wait included; ${base.claim ? num(base.claim.count) : '?'} at the first size).`,
        'Each size gets a fresh worker process (so RSS is that of a worker started on that table); the receiver and the API are the same throughout.',
      ].filter(Boolean),
    },
  ];
}
