// Benchmark 6: the delivery run of benchmark 1 (one endpoint) on the embedded database, PGlite,
// which is what `npm start` gives without DATABASE_URL. PGlite lives in one process, so the API and
// the worker run in this process (as with `npm start`); the receiver and the load generator are
// child processes as before. Baselines: the bare undici loop, measured here, and benchmark 1's
// PostgreSQL figure when it ran in the same invocation.

import { openPglite } from '@bookflow/pg';
import { createPlatform } from '../../packages/platform/src/app.ts';
import { migrate } from '../../packages/platform/src/db/migrate.ts';
import { startChild } from '../support/child-process.ts';
import { onCleanup } from '../support/cleanup.ts';
import type { BenchContext } from '../support/context.ts';
import { deliveryRun, publishThroughApi, timeoutFor, workerSpec } from '../support/delivery-run.ts';
import { benchConfig, PUBLISH_BODY, startApi } from '../support/platform-api.ts';
import { progress } from '../support/progress.ts';
import { startReceiver } from '../support/receiver.ts';
import { num, ratio, type Table } from '../support/table.ts';

export async function embeddedBench(ctx: BenchContext): Promise<Table[]> {
  const events = ctx.args.embeddedEvents;
  const receiver = await startReceiver(1);
  const load = await startChild('load', {});
  const db = await openPglite(null);
  const closeDb = onCleanup('PGlite', () => db.close());
  let bare: number;
  let publishRate: number;
  let rate: number;
  try {
    await migrate(db);
    bare = (
      await deliveryRun(
        'embedded: bare undici loop',
        workerSpec('bare-undici', { events, urls: receiver.urls, concurrency: ctx.args.concurrency }),
        receiver,
        events,
      )
    ).rate;
    const api = await startApi({ db });
    const { key } = await api.account(receiver.urls);
    progress(`embedded: publishing ${num(events)} events to PGlite through the API (worker off)`);
    const countEvents = async () =>
      (await db.query<{ n: number }>('select count(*)::int as n from events')).rows[0]!.n;
    publishRate = (await publishThroughApi(load, { apiUrl: api.url, key, countEvents }, PUBLISH_BODY, events))
      .rate;
    const worker = await createPlatform(
      benchConfig({ roles: ['worker'], workerConcurrency: ctx.args.concurrency }),
      { db },
    );
    const stopWorker = onCleanup('embedded worker', () => worker.stop());
    try {
      progress('embedded: delivering');
      const before = (await receiver.stats()).distinct;
      const t0 = performance.now();
      await worker.start();
      await receiver.waitForDistinct(before + events, timeoutFor(events));
      rate = events / ((performance.now() - t0) / 1000);
      ctx.figures.set('embedded.rate', rate);
      progress(`embedded: ${num(rate)} deliveries/s`);
    } finally {
      await stopWorker();
      await api.stop();
    }
  } finally {
    await closeDb();
    await load.stop();
    await receiver.stop();
  }
  const postgres = ctx.figures.get('delivery.platform.1');
  return [
    {
      title: `6. Embedded: ${num(events)} events × 1 endpoint on PGlite (in-memory, in-process)`,
      headers: ['system', 'deliveries/s', 'vs bare undici', 'vs platform on PostgreSQL'],
      rows: [
        ['bare undici loop, no storage (the limit)', num(bare), '1.00×', ''],
        [
          'BookFlow platform worker on PGlite, on a backlog',
          num(rate),
          ratio(rate, bare),
          ratio(rate, postgres),
        ],
        ...(postgres !== undefined
          ? [
              [
                'BookFlow platform worker on PostgreSQL (benchmark 1)',
                num(postgres),
                ratio(postgres, ctx.figures.get('delivery.bare.1')),
                '1.00×',
              ],
            ]
          : []),
      ],
      notes: [
        `Publishing to PGlite through the API ran at ${num(publishRate)} events/s (64 in flight).`,
        'The PostgreSQL row is benchmark 1 of this invocation (its worker in a child process, its bare loop ratio from that benchmark); without --only delivery in the same run it is omitted.',
      ],
    },
  ];
}
