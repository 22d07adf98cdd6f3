// Benchmark 1: delivery throughput of the platform's worker against the limit (a bare undici loop)
// and against what a team would otherwise build (BullMQ on Redis, pg-boss on PostgreSQL), for one
// endpoint and for several, on the same receiver in the same run.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startChild } from '../support/child-process.ts';
import { onCleanup } from '../support/cleanup.ts';
import type { BenchContext } from '../support/context.ts';
import { hotSpotsIn, profileTables } from '../support/cpu-profile.ts';
import { createDatabase } from '../support/database.ts';
import { type RunWithWrites, statementTable, workTable } from '../support/database-work.ts';
import {
  countEventsIn,
  type DeliveryRun,
  deliveryRun,
  platformWorkerSpec,
  publishBacklog,
  publishThroughApi,
  startWorker,
  timeDelivery,
  warmReceiver,
  workerSpec,
} from '../support/delivery-run.ts';
import { PUBLISH_BODY, startApi } from '../support/platform-api.ts';
import { progress } from '../support/progress.ts';
import { type Receiver, startReceiver } from '../support/receiver.ts';
import { deleteKeys, REDIS_URL } from '../support/redis.ts';
import { num, ratio, type Table } from '../support/table.ts';
import { countWrites, type TableWrites } from '../support/table-writes.ts';
import type { StatementTiming } from '../support/timed-db.ts';

export interface PlatformRun extends DeliveryRun {
  publishRate: number;
  writes: Map<string, TableWrites>;
}

export interface BacklogOptions {
  profileFile?: string;
  /** The worker with tracing on, exporting here. */
  otlpEndpoint?: string;
  /** Runs on the filled database before the worker starts. */
  beforeWorker?: (databaseUrl: string) => Promise<void>;
}

/** Publishes `events` through the API with no worker running, then times a worker-only platform on that backlog. */
export async function platformOnBacklog(
  ctx: BenchContext,
  receiver: Receiver,
  events: number,
  label: string,
  options: BacklogOptions = {},
): Promise<PlatformRun> {
  const database = await createDatabase('delivery');
  const load = await startChild('load', {});
  try {
    progress(`${label}: publishing ${num(events)} events through the API (worker off)`);
    const published = await publishBacklog(load, database.url, receiver.urls, events);
    await options.beforeWorker?.(database.url);
    const spec = platformWorkerSpec(database.url, ctx.args.concurrency, {
      profileFile: options.profileFile,
      otlpEndpoint: options.otlpEndpoint,
    });
    const { result: run, writes } = await countWrites(database.url, () =>
      deliveryRun(label, spec, receiver, published.events * receiver.urls.length, database.name),
    );
    return { ...run, publishRate: published.rate, writes };
  } finally {
    await load.stop();
    await database.drop();
  }
}

/** The worker runs first; events are published while it delivers. Timed from the first publish. */
async function platformConcurrent(
  ctx: BenchContext,
  receiver: Receiver,
  events: number,
): Promise<PlatformRun> {
  const label = 'platform, publish and deliver at once';
  const database = await createDatabase('concurrent');
  const load = await startChild('load', {});
  try {
    const api = await startApi({ databaseUrl: database.url });
    const { key } = await api.account(receiver.urls);
    const worker = await startWorker(platformWorkerSpec(database.url, ctx.args.concurrency));
    try {
      progress(`${label}: publishing ${num(events)} events while the worker delivers`);
      let publishRate = Number.NaN;
      const run = await timeDelivery(worker, receiver, {
        deliveries: 0,
        database: database.name,
        feed: async () => {
          const target = { apiUrl: api.url, key, countEvents: countEventsIn(database.url) };
          const published = await publishThroughApi(load, target, PUBLISH_BODY, events);
          publishRate = published.rate;
          return published.events;
        },
      });
      progress(`${label}: ${num(run.rate)} deliveries/s`);
      return { ...run, publishRate, writes: new Map() };
    } finally {
      await worker.stop();
      await api.stop();
    }
  } finally {
    await load.stop();
    await database.drop();
  }
}

async function baselines(ctx: BenchContext, receiver: Receiver, events: number) {
  const urls = receiver.urls;
  const deliveries = events * urls.length;
  const spec = { events, urls, concurrency: ctx.args.concurrency };
  const out: {
    bare?: DeliveryRun;
    plain?: RunWithWrites;
    bullmq?: DeliveryRun;
    pgBoss?: DeliveryRun;
  } = {};
  const want = ctx.args.baselines;
  if (want.includes('bare')) {
    out.bare = await deliveryRun('bare undici loop', workerSpec('bare-undici', spec), receiver, deliveries);
  }
  // Always: the platform's figure means little without the simplest queue on the same database beside it.
  const plainDb = await createDatabase('plain');
  try {
    const plain = workerSpec('plain-pg', { ...spec, databaseUrl: plainDb.url });
    // Its table is created in prepare: count from after the start, or its inserts would count too.
    const { result, writes } = await countWrites(plainDb.url, () =>
      deliveryRun('plain PostgreSQL queue', plain, receiver, deliveries, plainDb.name),
    );
    out.plain = { ...result, writes };
  } finally {
    await plainDb.drop();
  }
  if (want.includes('bullmq')) {
    if (!ctx.redis) progress(`BullMQ baseline skipped: Redis is not reachable at ${REDIS_URL}`);
    else {
      const bull = workerSpec('bullmq', { ...spec, redisUrl: REDIS_URL });
      try {
        out.bullmq = await deliveryRun('BullMQ worker', bull, receiver, deliveries);
      } finally {
        await deleteKeys(bull.redisPrefix!);
      }
    }
  }
  if (want.includes('pg-boss')) {
    const database = await createDatabase('pgboss');
    try {
      const boss = workerSpec('pg-boss', { ...spec, databaseUrl: database.url });
      out.pgBoss = await deliveryRun('pg-boss worker', boss, receiver, deliveries, database.name);
    } finally {
      await database.drop();
    }
  }
  return out;
}

const mb = (bytes: unknown) => `${Math.round(Number(bytes) / 1048576)} MB`;

function row(label: string, run: DeliveryRun | undefined, base: Awaited<ReturnType<typeof baselines>>) {
  if (!run) return [label, 'skipped', '', '', '', '', '', '', '', ''];
  const us = (x: number) => (Number.isFinite(x) ? num(x) : '–');
  return [
    label,
    num(run.rate),
    ratio(run.rate, base.bare?.rate),
    ratio(run.rate, base.plain?.rate),
    ratio(run.rate, base.bullmq?.rate),
    ratio(run.rate, base.pgBoss?.rate),
    us(run.cpu.worker),
    us(run.cpu.receiver),
    us(run.cpu.postgres),
    mb(run.stats.peakRss),
  ];
}

export async function deliveryBench(ctx: BenchContext): Promise<Table[]> {
  const tables: Table[] = [];
  const headers = [
    'system',
    'deliveries/s',
    'vs bare undici',
    'vs plain PG queue',
    'vs BullMQ',
    'vs pg-boss',
    'worker CPU µs/delivery',
    'receiver CPU µs',
    'PostgreSQL CPU µs',
    'worker peak RSS',
  ];
  const profileDir = ctx.args.profile ? mkdtempSync(join(tmpdir(), 'bookflow-bench-prof-')) : null;
  const removeProfiles = onCleanup('profile directory', () => {
    if (profileDir) rmSync(profileDir, { recursive: true, force: true });
  });
  let statements: StatementTiming[] = [];
  let work: Table | null = null;

  const shapes: [number, number][] = [[1, ctx.args.events]];
  if (ctx.args.endpoints > 1) shapes.push([ctx.args.endpoints, ctx.args.fanoutEvents]);
  for (const [endpoints, events] of shapes) {
    const receiver = await startReceiver(endpoints);
    try {
      await warmReceiver(receiver, events, ctx.args.concurrency);
      const base = await baselines(ctx, receiver, events);
      const profileFile = profileDir && endpoints === 1 ? join(profileDir, 'worker.cpuprofile') : undefined;
      const label = `platform worker, ${endpoints} endpoint${endpoints > 1 ? 's' : ''}`;
      const backlog = await platformOnBacklog(ctx, receiver, events, label, { profileFile });
      ctx.figures.set(`delivery.platform.${endpoints}`, backlog.rate);
      ctx.figures.set(`delivery.bare.${endpoints}`, base.bare?.rate ?? Number.NaN);
      ctx.figures.set(`delivery.plain.${endpoints}`, base.plain?.rate ?? Number.NaN);
      ctx.figures.set(`delivery.bullmq.${endpoints}`, base.bullmq?.rate ?? Number.NaN);
      if (endpoints === 1) {
        statements = (backlog.stats.statements as StatementTiming[]) ?? [];
        work = workTable(backlog, statements, base.plain);
      }
      const concurrent =
        endpoints === 1 && ctx.args.concurrent ? await platformConcurrent(ctx, receiver, events) : undefined;
      if (concurrent) ctx.figures.set('delivery.concurrent.1', concurrent.rate);
      const deliveries = events * endpoints;
      tables.push({
        title: `1. Delivery throughput: ${num(events)} events × ${endpoints} endpoint${endpoints > 1 ? 's' : ''} = ${num(deliveries)} deliveries (${ctx.postgres})`,
        headers,
        rows: [
          row('bare undici loop, no storage (the limit)', base.bare, base),
          row('plain PostgreSQL queue (claim, sign, POST, record)', base.plain, base),
          row(`BullMQ worker (${ctx.redis ?? 'no Redis'})`, base.bullmq, base),
          row('pg-boss worker (fetch/complete loops)', base.pgBoss, base),
          row('BookFlow platform worker, on a backlog', backlog, base),
          ...(concurrent ? [row('BookFlow platform, publish and deliver at once', concurrent, base)] : []),
        ],
        notes: [
          `Every system keeps ${ctx.args.concurrency} attempts in flight with 50 connections per origin, signs with @bookflow/events, POSTs ~1.2 KB envelopes; the receiver (its own process) answers 200 at once.`,
          'Plain PostgreSQL queue: 4 loops each claim a quarter of the concurrency with FOR UPDATE SKIP LOCKED, sign and POST the batch, then mark it delivered and insert one attempt row per delivery in one statement (bench/workers/plain-pg.ts).',
          'Baselines and the platform worker each run alone in a child process on a pre-filled queue, timed from start until the receiver has every delivery.',
          'CPU per delivery (user + system, µs): of the worker process, of the receiver process, and of the PostgreSQL backends serving the run’s own database (platform, plain queue and pg-boss; WAL writer and checkpointer not counted). Two cores give 2,000,000 µs per second in all.',
          `Backlog filled through POST /v1/events at ${num(backlog.publishRate)} events/s (64 in flight, worker off).` +
            (concurrent
              ? ` Publish and deliver at once: timed from the first publish; publishing ran at ${num(concurrent.publishRate)}/s.`
              : ''),
        ],
      });
    } finally {
      await receiver.stop();
    }
  }

  if (statements.length) tables.push(statementTable(statements));
  if (work) tables.push(work);
  if (profileDir) {
    const spots = hotSpotsIn(join(profileDir, 'worker.cpuprofile'));
    await removeProfiles();
    const note =
      'The worker process of the 1-endpoint backlog run, from its start to the last delivery (the profiler slows that run a little).';
    if (spots) tables.push(...profileTables('Platform worker', spots, note));
  }
  return tables;
}
