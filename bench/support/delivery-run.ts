// The timed part every delivery figure shares: a worker child is prepared (queue filled, untimed),
// started, and timed until the receiver has answered 200 to every delivery.
import { randomBytes } from 'node:crypto';
import { generateSecret } from '@bookflow/events';
import pg from 'pg';
import type { LoadResult } from '../children/load.ts';
import type { WorkerSpec } from '../workers/system.ts';
import { type Child, startChild } from './child-process.ts';
import { postgresCpuMeter } from './cpu.ts';
import { MASTER_KEY, PUBLISH_BODY, startApi } from './platform-api.ts';
import { progress } from './progress.ts';
import type { Receiver } from './receiver.ts';

/** Signing secret of the baselines (the platform signs with its endpoints' own secrets). */
export const BASELINE_SECRET = generateSecret();

export interface WorkerStats {
  rss: number;
  peakRss: number;
  cpuMs: number;
  [key: string]: unknown;
}

export interface DeliveryRun {
  deliveries: number;
  seconds: number;
  rate: number;
  stats: WorkerStats;
  /** CPU µs per delivery: the worker process, the receiver process, the run database's backends. */
  cpu: { worker: number; receiver: number; postgres: number };
}

export function workerSpec(kind: WorkerSpec['kind'], fields: Partial<WorkerSpec>): WorkerSpec {
  return {
    kind,
    events: 0,
    urls: [],
    secret: BASELINE_SECRET,
    concurrency: 200,
    redisPrefix: `bookflow-bench-${randomBytes(4).toString('hex')}`,
    ...fields,
  };
}

/** The platform's own worker on the run's database, with the run's master key (the API sealed the secrets with it). */
export function platformWorkerSpec(
  databaseUrl: string,
  concurrency: number,
  fields: Partial<WorkerSpec> = {},
): WorkerSpec {
  return workerSpec('platform', {
    databaseUrl,
    masterKeyHex: MASTER_KEY.toString('hex'),
    concurrency,
    ...fields,
  });
}

/** Bounded: a run that has not finished in a minute plus 20 ms per delivery throws. */
export function timeoutFor(deliveries: number): number {
  return 60_000 + deliveries * 20;
}

export async function startWorker(spec: WorkerSpec): Promise<Child> {
  const child = await startChild('worker', spec);
  try {
    await child.call('prepare');
  } catch (err) {
    await child.stop();
    throw err;
  }
  return child;
}

export interface TimingOptions {
  /** Deliveries to wait for; with `feed`, what feed() returns is added. */
  deliveries: number;
  /** The run's own database: its backends' CPU is added to the figures. */
  database?: string;
  /** Runs after the worker started (e.g. publishing while it delivers); returns deliveries it added. */
  feed?: () => Promise<number>;
}

/** Starts a prepared worker and times it until the receiver has every delivery answered 200. */
export async function timeDelivery(
  child: Child,
  receiver: Receiver,
  options: TimingOptions,
): Promise<DeliveryRun> {
  const before = (await receiver.stats()).distinct;
  const receiverCpu = await receiver.cpuMs();
  const postgres = options.database ? await postgresCpuMeter(options.database) : null;
  const t0 = performance.now();
  await child.call('start');
  const deliveries = options.deliveries + (options.feed ? await options.feed() : 0);
  await receiver.waitForDistinct(before + deliveries, timeoutFor(deliveries));
  const seconds = (performance.now() - t0) / 1000;
  const postgresMs = postgres ? await postgres.read() : Number.NaN;
  const receiverMs = (await receiver.cpuMs()) - receiverCpu;
  const stats = await child.call<WorkerStats>('stats');
  const perDelivery = (ms: number) => (ms * 1000) / deliveries;
  return {
    deliveries,
    seconds,
    rate: deliveries / seconds,
    stats,
    cpu: {
      worker: perDelivery(stats.cpuMs),
      receiver: perDelivery(receiverMs),
      postgres: perDelivery(postgresMs),
    },
  };
}

/** Prepares, times and stops one worker child; `label` names it in progress lines. */
export async function deliveryRun(
  label: string,
  spec: WorkerSpec,
  receiver: Receiver,
  deliveries: number,
  database?: string,
): Promise<DeliveryRun> {
  progress(`${label}: preparing ${deliveries.toLocaleString('en-US')} deliveries`);
  const child = await startWorker(spec);
  try {
    progress(`${label}: delivering`);
    const run = await timeDelivery(child, receiver, { deliveries, database });
    progress(
      `${label}: ${Math.round(run.rate).toLocaleString('en-US')} deliveries/s (${run.seconds.toFixed(1)} s)`,
    );
    return run;
  } finally {
    await child.stop();
  }
}

/**
 * Untimed: a bare undici loop sends up to 2,000 deliveries (split over the receiver's endpoints), so
 * the receiver's JIT and sockets are warm before the first measured system.
 */
export async function warmReceiver(receiver: Receiver, events: number, concurrency: number): Promise<void> {
  const urls = receiver.urls;
  const warm = Math.min(events, Math.ceil(2_000 / urls.length));
  const spec = workerSpec('bare-undici', { events: warm, urls, concurrency });
  await deliveryRun('warm-up (bare undici, not reported)', spec, receiver, warm * urls.length);
}

export interface PublishTarget {
  apiUrl: string;
  key: string;
  /** Rows in the events table, read from the database: the truth about what was accepted. */
  countEvents(): Promise<number>;
}

/** countEvents for a PostgreSQL database, one short connection per call. */
export function countEventsIn(databaseUrl: string): () => Promise<number> {
  return async () => {
    const client = new pg.Client({ connectionString: databaseUrl });
    await client.connect();
    try {
      return (await client.query('select count(*)::int as n from events')).rows[0].n;
    } finally {
      await client.end();
    }
  };
}

/**
 * POSTs `amount` events through the API from the load child (64 in flight). A request the client
 * gave up on (timeout) may or may not have committed, so the events table is counted afterwards
 * and any shortfall published again (at most 5 rounds). Returns the first round's rate and the
 * number of events actually added, which callers wait for.
 */
export async function publishThroughApi(load: Child, target: PublishTarget, body: string, amount: number) {
  const before = await target.countEvents();
  let rate = Number.NaN;
  for (let round = 0; round < 5; round++) {
    const missing = before + amount - (await target.countEvents());
    if (missing <= 0) break;
    const result = await load.call<LoadResult>('closed', {
      url: `${target.apiUrl}/v1/events`,
      headers: { authorization: `Bearer ${target.key}`, 'content-type': 'application/json' },
      body,
      connections: Math.min(64, missing),
      amount: missing,
    });
    if (round === 0) rate = result.rate;
    if (result.ok !== missing)
      progress(
        `publish: ${result.ok} of ${missing} answered 202 (${result.non2xx} non-2xx, ${result.errors} errors)`,
      );
  }
  const events = (await target.countEvents()) - before;
  if (events < amount) throw new Error(`publish: only ${events} of ${amount} events accepted after 5 rounds`);
  return { rate, events };
}

/**
 * The backlog a worker run starts on: an account with one endpoint per url, created through an
 * api-only platform on `databaseUrl`, and `events` published through it (no worker running).
 */
export async function publishBacklog(load: Child, databaseUrl: string, urls: string[], events: number) {
  const api = await startApi({ databaseUrl });
  try {
    const { key } = await api.account(urls);
    const target = { apiUrl: api.url, key, countEvents: countEventsIn(databaseUrl) };
    return await publishThroughApi(load, target, PUBLISH_BODY, events);
  } finally {
    await api.stop();
  }
}
