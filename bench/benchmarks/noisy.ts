// Benchmark 7: noisy neighbours. Whether one account's slow endpoint, or its backlog, delays
// another account's events, and how evenly 50 accounts publishing at once are served. Latency is
// read from the database: the event's created_at to the end of its successful attempt.
import type { BenchContext } from '../support/context.ts';
import {
  noisyRun,
  publishAll,
  publishAtRate,
  replayDeadLetter,
  waitDelivered,
} from '../support/noisy-run.ts';
import { progress, sleep } from '../support/progress.ts';
import type { Summary } from '../support/stats.ts';
import { ms, num, type Table } from '../support/table.ts';

const latencyCells = (s: Summary | undefined) => [
  ms(s?.p50 ?? Number.NaN),
  ms(s?.p99 ?? Number.NaN),
  ms(s?.max ?? Number.NaN),
];

/** Scenario 1: A's endpoint answers after `slowMs`; A publishes a burst while B publishes 1/s. */
async function slowEndpoint(ctx: BenchContext): Promise<string[]> {
  const { noisySlowEvents: events, noisySlowMs: slowMs, noisyRate: rate, noisySeconds } = ctx.args;
  const run = await noisyRun([slowMs, 0]);
  try {
    const a = await run.api.account([run.urls[0]!]);
    const b = await run.api.account([run.urls[1]!]);
    await run.startWorker(ctx.args.concurrency);
    progress(
      `noisy 1: A publishes ${num(events)} events to a ${slowMs} ms endpoint; B ${rate}/s for ${noisySeconds} s`,
    );
    const t0 = performance.now();
    let stopB = false;
    const bDone = publishAtRate(run.api.url, b.key, rate, () => stopB);
    await publishAll(run.api.url, Array(events).fill(a.key));
    await sleep(Math.max(0, noisySeconds * 1_000 - (performance.now() - t0)));
    stopB = true;
    const bEvents = await bDone;
    await waitDelivered(run, b.accountId, bEvents, 120_000);
    const latencies = await run.latencies([b.accountId]);
    ctx.figures.set('noisy.1.p99', latencies.get(b.accountId)?.p99 ?? Number.NaN);
    await waitDelivered(run, a.accountId, events, 60_000 + events * 3 * slowMs);
    const aSeconds = (performance.now() - t0) / 1000;
    const counts = await run.counts();
    const failed = await run.pool.query<{ n: number }>(
      `select count(*)::int as n from delivery_attempts a join deliveries d on d.id = a.delivery_id
        where d.account_id = $1 and a.outcome = 'failed'`,
      [a.accountId],
    );
    return [
      `1. A: ${num(events)} events, endpoint ${slowMs} ms`,
      `B: ${bEvents} events at ${rate}/s`,
      ...latencyCells(latencies.get(b.accountId)),
      `${num(counts[0]!.requests)} requests for ${num(events)} events (${failed.rows[0]!.n} failed attempts); drained in ${aSeconds.toFixed(0)} s`,
    ];
  } finally {
    await run.close();
  }
}

/** Scenario 2: A's backlog queued with the api role only; then a worker starts while B publishes. */
async function backlog(ctx: BenchContext): Promise<string[]> {
  const { noisyBacklog: events, noisyRate: rate } = ctx.args;
  const run = await noisyRun([0, 0]);
  try {
    const a = await run.api.account([run.urls[0]!]);
    const b = await run.api.account([run.urls[1]!]);
    progress(`noisy 2: A queues ${num(events)} events (no worker)`);
    await publishAll(run.api.url, Array(events).fill(a.key));
    progress('noisy 2: worker starts; B publishes while A drains');
    const t0 = performance.now();
    await run.startWorker(ctx.args.concurrency);
    let drained = false;
    const bDone = publishAtRate(run.api.url, b.key, rate, () => drained);
    await waitDelivered(run, a.accountId, events, 60_000 + events * 10);
    const aSeconds = (performance.now() - t0) / 1000;
    drained = true;
    const bEvents = await bDone;
    await waitDelivered(run, b.accountId, bEvents, 60_000);
    const latencies = await run.latencies([b.accountId]);
    ctx.figures.set('noisy.2.p99', latencies.get(b.accountId)?.p99 ?? Number.NaN);
    return [
      `2. A: backlog of ${num(events)} events`,
      `B: ${bEvents} events at ${rate}/s`,
      ...latencyCells(latencies.get(b.accountId)),
      `drained in ${aSeconds.toFixed(1)} s (${num(events / aSeconds)} deliveries/s)`,
    ];
  } finally {
    await run.close();
  }
}

/**
 * Scenario 4: A's dead letter of `noisyReplay` deliveries is replayed in bulk while B publishes.
 * The dead letter is made by marking A's queued deliveries dead in SQL (7 failed attempts take
 * 31 hours on the real schedule); the replay itself is the public API's, call after call.
 */
async function bulkReplay(ctx: BenchContext): Promise<string[]> {
  const { noisyReplay: events, noisyRate: rate } = ctx.args;
  const run = await noisyRun([0, 0]);
  try {
    const a = await run.api.account([run.urls[0]!]);
    const b = await run.api.account([run.urls[1]!]);
    progress(`noisy 4: A's dead letter of ${num(events)} deliveries (no worker)`);
    await publishAll(run.api.url, Array(events).fill(a.key));
    await run.pool.query(
      `update deliveries set status = 'dead', dead_at = now(), attempt_count = 7 where account_id = $1`,
      [a.accountId],
    );
    await run.startWorker(ctx.args.concurrency);
    progress('noisy 4: A replays it in bulk; B publishes until A is done');
    const t0 = performance.now();
    let done = false;
    const bDone = publishAtRate(run.api.url, b.key, rate, () => done);
    const queued = await replayDeadLetter(run.api.url, a.key);
    await waitDelivered(run, a.accountId, events, 60_000 + events * 10);
    const aSeconds = (performance.now() - t0) / 1000;
    done = true;
    const bEvents = await bDone;
    await waitDelivered(run, b.accountId, bEvents, 60_000);
    const latencies = await run.latencies([b.accountId]);
    ctx.figures.set('noisy.4.p99', latencies.get(b.accountId)?.p99 ?? Number.NaN);
    return [
      `4. A: bulk replay of ${num(events)} dead letters`,
      `B: ${bEvents} events at ${rate}/s`,
      ...latencyCells(latencies.get(b.accountId)),
      `${num(queued)} queued by the API; all delivered in ${aSeconds.toFixed(1)} s (${num(events / aSeconds)} deliveries/s)`,
    ];
  } finally {
    await run.close();
  }
}

/** Scenario 3: `accounts` accounts, each its own endpoint, publish `perAccount` events at once. */
async function manyAccounts(ctx: BenchContext): Promise<{ row: string[]; spread: number }> {
  const { noisyAccounts: n, noisyPerAccount: perAccount } = ctx.args;
  const run = await noisyRun(Array(n).fill(0));
  try {
    const accounts = [];
    for (const url of run.urls) accounts.push(await run.api.account([url]));
    await run.startWorker(ctx.args.concurrency);
    progress(`noisy 3: ${n} accounts publish ${perAccount} events each at once`);
    const keys: string[] = [];
    // Interleaved, so every account's events are published over the same span.
    for (let i = 0; i < perAccount; i++) for (const acc of accounts) keys.push(acc.key);
    await publishAll(run.api.url, keys);
    for (const acc of accounts) await waitDelivered(run, acc.accountId, perAccount, 120_000);
    const latencies = await run.latencies(accounts.map((acc) => acc.accountId));
    const p99s = [...latencies.values()].map((s) => s.p99);
    const slowest = Math.max(...p99s);
    const fastest = Math.min(...p99s);
    ctx.figures.set('noisy.3.spread', slowest / fastest);
    return {
      spread: slowest / fastest,
      row: [
        `3. ${n} accounts × ${num(perAccount)} events at once`,
        `p99 per account: fastest ${ms(fastest)}, slowest ${ms(slowest)}`,
        '',
        '',
        '',
        `spread (slowest p99 ÷ fastest p99) ${(slowest / fastest).toFixed(2)}`,
      ],
    };
  } finally {
    await run.close();
  }
}

export async function noisyBench(ctx: BenchContext): Promise<Table[]> {
  const rows = [await slowEndpoint(ctx), await backlog(ctx)];
  const many = await manyAccounts(ctx);
  rows.push(many.row, await bulkReplay(ctx));
  return [
    {
      title: `7. Noisy neighbours: account B beside a slow or backlogged account A (${ctx.postgres})`,
      headers: ['scenario', 'B (the neighbour)', 'B p50', 'B p99', 'B max', 'A'],
      rows,
      notes: [
        'Latency: the event row’s created_at to the end of its successful attempt (database and worker clocks, one machine).',
        `One worker-only platform process (concurrency ${ctx.args.concurrency}, other settings default), the api role in the bench process, every endpoint its own origin.`,
        'Targets: B p99 < 250 ms in 1, 2 and 4; spread ≤ 2 in 3.',
      ],
    },
  ];
}
