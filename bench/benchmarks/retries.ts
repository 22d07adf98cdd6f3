// Benchmark 3: retry-heavy load. The receiver fails the first attempt of 20 % of events (chosen by
// a hash of the event id) with 500 and accepts the retry; the retry schedule is shortened so the
// run takes seconds. Beside each figure: the same run with no failures.
//
// Two shapes, because lag means different things in each:
// - backlog: every event published first (worker off), then one worker drains it: throughput,
//   and retries that fall due while first attempts are still queued wait behind them (claims go
//   in due order);
// - paced: events published at a steady rate below capacity while the worker runs: how late each
//   attempt starts against its scheduled time when the worker keeps up.
// Lag is `started_at - scheduled_at` of every row of delivery_attempts.
import pg from 'pg';
import { loadConfig } from '../../packages/platform/src/config/config.ts';
import type { LoadResult } from '../children/load.ts';
import { startChild } from '../support/child-process.ts';
import type { BenchContext } from '../support/context.ts';
import { createDatabase } from '../support/database.ts';
import {
  countEventsIn,
  platformWorkerSpec,
  publishThroughApi,
  startWorker,
  timeDelivery,
  timeoutFor,
} from '../support/delivery-run.ts';
import { PUBLISH_BODY, startApi } from '../support/platform-api.ts';
import { progress } from '../support/progress.ts';
import { startReceiver } from '../support/receiver.ts';
import { ms, num, ratio, type Table } from '../support/table.ts';
import type { StatementTiming } from '../support/timed-db.ts';

const FAIL_EVERY = 5; // 1 in 5 events: 20 % of first attempts

interface Lag {
  attempts: number;
  p50: number;
  p99: number;
}

interface RetryRun {
  label: string;
  deliveries: number;
  seconds: number;
  rate: number;
  first: Lag;
  retries: Lag;
  failedAttempts: number;
  /** The worker's statement timings over the run. */
  statements: StatementTiming[];
}

async function lagFromAttempts(databaseUrl: string): Promise<{ first: Lag; retries: Lag; failed: number }> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const { rows } = await client.query(
      `select attempt_number > 1 as retry, count(*)::int as attempts,
              count(*) filter (where outcome = 'failed')::int as failed,
              percentile_cont(0.5) within group (order by extract(epoch from started_at - scheduled_at) * 1000) as p50,
              percentile_cont(0.99) within group (order by extract(epoch from started_at - scheduled_at) * 1000) as p99
         from delivery_attempts group by 1`,
    );
    const pick = (retry: boolean): Lag => {
      const row = rows.find((r) => r.retry === retry);
      return row
        ? { attempts: row.attempts, p50: row.p50, p99: row.p99 }
        : { attempts: 0, p50: Number.NaN, p99: Number.NaN };
    };
    return { first: pick(false), retries: pick(true), failed: rows.reduce((n, r) => n + r.failed, 0) };
  } finally {
    await client.end();
  }
}

async function run(ctx: BenchContext, shape: 'backlog' | 'paced', failEvery: number): Promise<RetryRun> {
  const label = `${shape}, ${failEvery ? '20 % failing' : 'no failures'}`;
  const retryScheduleMs = loadConfig({ BOOKFLOW_RETRY_SCHEDULE: ctx.args.retrySchedule }).retryScheduleMs;
  const database = await createDatabase('retries');
  const receiver = await startReceiver(1, failEvery);
  const load = await startChild('load', {});
  try {
    const api = await startApi({ databaseUrl: database.url });
    const { key } = await api.account(receiver.urls);
    const worker = await startWorker(
      platformWorkerSpec(database.url, ctx.args.concurrency, { retryScheduleMs }),
    );
    try {
      let deliveries: number;
      let seconds: number;
      let statements: StatementTiming[] = [];
      if (shape === 'backlog') {
        deliveries = ctx.args.retryEvents;
        progress(`retries ${label}: publishing ${num(deliveries)} events (worker off)`);
        const target = { apiUrl: api.url, key, countEvents: countEventsIn(database.url) };
        deliveries = (await publishThroughApi(load, target, PUBLISH_BODY, deliveries)).events;
        progress(`retries ${label}: delivering`);
        const timed = await timeDelivery(worker, receiver, { deliveries, database: database.name });
        seconds = timed.seconds;
        statements = timed.stats.statements as StatementTiming[];
      } else {
        const rate = ctx.args.retryRate;
        progress(
          `retries ${label}: publishing ${num(rate)}/s for ${ctx.args.rateSeconds} s while delivering`,
        );
        await worker.call('start');
        const t0 = performance.now();
        const published = await load.call<LoadResult>('open', {
          url: `${api.url}/v1/events`,
          headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
          body: PUBLISH_BODY,
          connections: 64,
          rate,
          seconds: ctx.args.rateSeconds,
        });
        deliveries = published.ok;
        await receiver.waitForDistinct(deliveries, timeoutFor(deliveries));
        seconds = (performance.now() - t0) / 1000;
        statements = (await worker.call<{ statements: StatementTiming[] }>('stats')).statements;
      }
      // The last attempts are recorded just after the receiver answers them.
      await worker.call('stop');
      const lag = await lagFromAttempts(database.url);
      progress(
        `retries ${label}: ${num(deliveries / seconds)} deliveries/s, retry lag p99 ${ms(lag.retries.p99)}`,
      );
      return {
        label,
        deliveries,
        seconds,
        rate: deliveries / seconds,
        ...lag,
        failedAttempts: lag.failed,
        statements,
      };
    } finally {
      await worker.stop();
      await api.stop();
    }
  } finally {
    await load.stop();
    await receiver.stop();
    await database.drop();
  }
}

export async function retriesBench(ctx: BenchContext): Promise<Table[]> {
  const runs: RetryRun[] = [];
  for (const shape of ['backlog', 'paced'] as const) {
    for (const failEvery of [0, FAIL_EVERY]) runs.push(await run(ctx, shape, failEvery));
  }
  const lag = (l: Lag) => (l.attempts ? `${ms(l.p50)} / ${ms(l.p99)}` : '–');
  // The lag baseline: first attempts of the paced run without failures, i.e. dispatch delay alone.
  const dispatch = runs[2]!.first.p99;
  ctx.figures.set('retries.clean', runs[0]!.rate);
  ctx.figures.set('retries.failing', runs[1]!.rate);
  return [
    {
      title: `3. Retry-heavy load: 20 % of first attempts answered 500, retry schedule ${ctx.args.retrySchedule} (${ctx.postgres})`,
      headers: [
        'run',
        'deliveries',
        'deliveries/s',
        'vs no failures',
        'failed attempts',
        'first attempts: lag p50 / p99',
        'retries: lag p50 / p99',
        'retry p99 vs paced dispatch p99',
      ],
      rows: runs.map((r, i) => [
        r.label,
        num(r.deliveries),
        i < 2 ? num(r.rate) : `paced ${num(ctx.args.retryRate)}/s`,
        i < 2 ? ratio(r.rate, runs[0]!.rate) : '',
        num(r.failedAttempts),
        lag(r.first),
        lag(r.retries),
        r.retries.attempts ? ratio(r.retries.p99, dispatch) : '',
      ]),
      notes: [
        'Lag = started_at − scheduled_at per attempt, from delivery_attempts. A first attempt is scheduled at its publish time, so on a backlog its lag is its time in the queue; a retry is scheduled one schedule step after its failure.',
        `Backlog: ${num(ctx.args.retryEvents)} events published first, timed from worker start until every event has a 200 (the run includes at least one ${ctx.args.retrySchedule.split(',')[0]} retry wait). Paced: ${num(ctx.args.retryRate)} events/s for ${ctx.args.rateSeconds} s while the worker runs; its first attempts without failures give the dispatch delay that retry lag is compared with.`,
      ],
    },
    statementTable(runs[3]!, runs[2]!),
  ];
}

/** Where the failing paced run's worker waited on the database, beside the same run without failures. */
function statementTable(failing: RetryRun, clean: RetryRun): Table {
  const top = failing.statements.slice(0, 6);
  return {
    title: 'Where the worker waits on the database, paced run with 20 % failing (beside no failures)',
    headers: ['statement (first words)', 'count', 'p50 / p99', 'without failures: count', 'p50 / p99'],
    rows: top.map((s) => {
      const c = clean.statements.find((x) => x.statement === s.statement);
      return [
        s.statement,
        num(s.count),
        `${ms(s.p50)} / ${ms(s.p99)}`,
        c ? num(c.count) : '–',
        c ? `${ms(c.p50)} / ${ms(c.p99)}` : '–',
      ];
    }),
    notes: ['Wall time per statement in the worker, pool wait included.'],
  };
}
