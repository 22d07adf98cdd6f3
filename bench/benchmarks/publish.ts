// Benchmark 2: events accepted per second by POST /v1/events (answered 202 after the commit) at
// 1, 16 and 64 requests in flight, and latency at a fixed rate, beside a bare Fastify route
// answering 202 in the same process: the limit of an HTTP server here. The load generator runs in
// its own process; the API in this one.
import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import Fastify from 'fastify';
import type { LoadResult } from '../children/load.ts';
import { type Child, startChild } from '../support/child-process.ts';
import { onCleanup } from '../support/cleanup.ts';
import type { BenchContext } from '../support/context.ts';
import { createDatabase } from '../support/database.ts';
import { PUBLISH_BODY, startApi } from '../support/platform-api.ts';
import { progress } from '../support/progress.ts';
import { startReceiver } from '../support/receiver.ts';
import { ms, num, ratio, type Table } from '../support/table.ts';

const CONCURRENCIES = [1, 16, 64];

interface Figures {
  closed: Map<number, LoadResult>;
  fixed: LoadResult;
}

async function drive(
  ctx: BenchContext,
  load: Child,
  label: string,
  url: string,
  key: string,
): Promise<Figures> {
  const base = {
    url,
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
    body: PUBLISH_BODY,
  };
  progress(`publish ${label}: warming up`);
  await load.call('closed', { ...base, connections: 16, seconds: 1 });
  const closed = new Map<number, LoadResult>();
  for (const c of CONCURRENCIES) {
    const result = await load.call<LoadResult>('closed', {
      ...base,
      connections: c,
      seconds: ctx.args.seconds,
    });
    progress(`publish ${label}: ${num(result.rate)}/s with ${c} in flight`);
    closed.set(c, result);
  }
  const rate = ctx.args.publishRate;
  const fixed = await load.call<LoadResult>('open', {
    ...base,
    connections: 64,
    rate,
    seconds: ctx.args.rateSeconds,
  });
  progress(`publish ${label}: p99 ${ms(fixed.latency.p99)} at ${num(rate)}/s`);
  return { closed, fixed };
}

/** The limit: Fastify parsing the same JSON body and answering 202 with an id, nothing else. */
async function bareFastify(): Promise<{ url: string; close(): Promise<void> }> {
  const app = Fastify({ logger: false });
  app.post('/v1/events', async (_request, reply) => reply.code(202).send({ id: randomUUID() }));
  await app.listen({ port: 0, host: '127.0.0.1' });
  const close = onCleanup('bare fastify', () => app.close());
  return { url: `http://127.0.0.1:${(app.server.address() as AddressInfo).port}/v1/events`, close };
}

export async function publishBench(ctx: BenchContext): Promise<Table[]> {
  const load = await startChild('load', {});
  // Endpoints are subscribed, so each publish also writes its delivery rows, as in production; no
  // worker runs, so the receiver only has to exist.
  const receiver = await startReceiver(1);
  const database = await createDatabase('publish');
  let bare: Figures;
  let api: Figures;
  try {
    const server = await bareFastify();
    try {
      bare = await drive(ctx, load, 'bare Fastify', server.url, 'none');
    } finally {
      await server.close();
    }
    const platform = await startApi({ databaseUrl: database.url });
    try {
      const { key } = await platform.account(receiver.urls);
      api = await drive(ctx, load, 'POST /v1/events', `${platform.url}/v1/events`, key);
    } finally {
      await platform.stop();
    }
  } finally {
    await database.drop();
    await receiver.stop();
    await load.stop();
  }

  const rows: string[][] = CONCURRENCIES.map((c) => {
    const b = bare.closed.get(c)!;
    const a = api.closed.get(c)!;
    return [
      `accepted/s, ${c} in flight (p50 / p99)`,
      `${num(b.rate)} (${ms(b.latency.p50)} / ${ms(b.latency.p99)})`,
      `${num(a.rate)} (${ms(a.latency.p50)} / ${ms(a.latency.p99)})`,
      ratio(a.rate, b.rate),
      c === 64 ? `≥ 10,000/s: ${ratio(a.rate, 10_000)} of it` : '',
    ];
  });
  const rate = num(ctx.args.publishRate);
  rows.push(
    [
      `p50 at ${rate}/s`,
      ms(bare.fixed.latency.p50),
      ms(api.fixed.latency.p50),
      ratio(api.fixed.latency.p50, bare.fixed.latency.p50),
      '',
    ],
    [
      `p99 at ${rate}/s`,
      ms(bare.fixed.latency.p99),
      ms(api.fixed.latency.p99),
      ratio(api.fixed.latency.p99, bare.fixed.latency.p99),
      `< 10 ms: ${api.fixed.latency.p99 < 10 ? 'met' : `${ratio(api.fixed.latency.p99, 10)} of it`}`,
    ],
  );
  const errors = [...api.closed.values(), api.fixed].reduce((n, r) => n + r.non2xx + r.errors, 0);
  return [
    {
      title: `2. Publish: POST /v1/events, 202 after commit (${ctx.postgres})`,
      headers: ['measure', 'bare Fastify 202 (limit)', 'BookFlow API', 'ratio', 'target'],
      rows,
      notes: [
        `~1 KB meeting.booked bodies, one subscribed endpoint (each publish writes the event and one delivery row); ${ctx.args.seconds} s per concurrency with autocannon, then an open loop at ${rate}/s for ${ctx.args.rateSeconds} s (generator p99 lateness ${ms(api.fixed.lateness?.p99 ?? Number.NaN)}).`,
        'API and bare route each run alone in the bench process; the load generator in a child process; PostgreSQL on the same 2 cores.',
        `${errors} non-2xx or failed requests to the API.`,
      ],
    },
  ];
}
