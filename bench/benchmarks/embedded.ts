// Benchmark 6: the delivery run of benchmark 1 (one endpoint) on the embedded database, PGlite,
// which is what `npm start` gives without DATABASE_URL. PGlite lives in one process, so the API and
// the worker run in this process (as with `npm start`); the receiver and the load generator are
// child processes as before. PGlite runs twice: on its own thread (openPgliteThread, what
// `npm start` uses) and on the caller's thread (openPglite, as before), one after the other.
// Baselines: the bare undici loop, measured here, and benchmark 1's PostgreSQL figure when it ran
// in the same invocation.

import { type Db, openPglite, openPgliteThread } from '@bookflow/pg';
import { createPlatform } from '../../packages/platform/src/app.ts';
import { migrate } from '../../packages/platform/src/db/migrate.ts';
import { type Child, startChild } from '../support/child-process.ts';
import { onCleanup } from '../support/cleanup.ts';
import type { BenchContext } from '../support/context.ts';
import { deliveryRun, publishThroughApi, timeoutFor, workerSpec } from '../support/delivery-run.ts';
import { benchConfig, PUBLISH_BODY, startApi } from '../support/platform-api.ts';
import { progress } from '../support/progress.ts';
import { type Receiver, startReceiver } from '../support/receiver.ts';
import { num, ratio, type Table } from '../support/table.ts';

interface EmbeddedRun {
  publishRate: number;
  rate: number;
}

/** Publishes `events` through the API (worker off), then times a worker draining them. */
async function runOn(
  ctx: BenchContext,
  open: () => Promise<Db>,
  label: string,
  receiver: Receiver,
  load: Child,
): Promise<EmbeddedRun> {
  const events = ctx.args.embeddedEvents;
  const db = await open();
  const closeDb = onCleanup(`PGlite (${label})`, () => db.close());
  try {
    await migrate(db);
    const api = await startApi({ db });
    const { key } = await api.account(receiver.urls);
    progress(`embedded (${label}): publishing ${num(events)} events through the API (worker off)`);
    const countEvents = async () =>
      (await db.query<{ n: number }>('select count(*)::int as n from events')).rows[0]!.n;
    const published = await publishThroughApi(
      load,
      { apiUrl: api.url, key, countEvents },
      PUBLISH_BODY,
      events,
    );
    const worker = await createPlatform(
      benchConfig({ roles: ['worker'], workerConcurrency: ctx.args.concurrency }),
      { db },
    );
    const stopWorker = onCleanup('embedded worker', () => worker.stop());
    try {
      progress(`embedded (${label}): delivering`);
      const before = (await receiver.stats()).distinct;
      const t0 = performance.now();
      await worker.start();
      await receiver.waitForDistinct(before + events, timeoutFor(events));
      const rate = events / ((performance.now() - t0) / 1000);
      progress(`embedded (${label}): ${num(rate)} deliveries/s`);
      return { publishRate: published.rate, rate };
    } finally {
      await stopWorker();
      await api.stop();
    }
  } finally {
    await closeDb();
  }
}

export async function embeddedBench(ctx: BenchContext): Promise<Table[]> {
  const events = ctx.args.embeddedEvents;
  const receiver = await startReceiver(1);
  const load = await startChild('load', {});
  let bare: number;
  let thread: EmbeddedRun;
  let inline: EmbeddedRun;
  try {
    bare = (
      await deliveryRun(
        'embedded: bare undici loop',
        workerSpec('bare-undici', { events, urls: receiver.urls, concurrency: ctx.args.concurrency }),
        receiver,
        events,
      )
    ).rate;
    thread = await runOn(ctx, () => openPgliteThread(null), 'own thread', receiver, load);
    inline = await runOn(ctx, () => openPglite(null), 'caller’s thread', receiver, load);
  } finally {
    await load.stop();
    await receiver.stop();
  }
  ctx.figures.set('embedded.rate', thread.rate);
  const postgres = ctx.figures.get('delivery.platform.1');
  const row = (label: string, r: EmbeddedRun) => [
    label,
    num(r.rate),
    ratio(r.rate, bare),
    ratio(r.rate, inline.rate),
    ratio(r.rate, postgres),
    num(r.publishRate),
  ];
  return [
    {
      title: `6. Embedded: ${num(events)} events × 1 endpoint on PGlite (in-memory, in-process)`,
      headers: [
        'system',
        'deliveries/s',
        'vs bare undici',
        'vs PGlite on the caller’s thread',
        'vs platform on PostgreSQL',
        'publishes/s (64 in flight)',
      ],
      rows: [
        ['bare undici loop, no storage (the limit)', num(bare), '1.00×', '', '', ''],
        row('BookFlow on PGlite, its own thread (npm start)', thread),
        row('BookFlow on PGlite, the caller’s thread', inline),
        ...(postgres !== undefined
          ? [
              [
                'BookFlow platform worker on PostgreSQL (benchmark 1)',
                num(postgres),
                ratio(postgres, ctx.figures.get('delivery.bare.1')),
                '',
                '1.00×',
                '',
              ],
            ]
          : []),
      ],
      notes: [
        'Each PGlite run: publish through the API with the worker off, then a worker in the same process drains the backlog (timed).',
        'The PostgreSQL row is benchmark 1 of this invocation (its worker in a child process, its bare loop ratio from that benchmark); without --only delivery in the same run it is omitted.',
      ],
    },
  ];
}
