// Benchmark 2: events accepted per second by POST /v1/events (answered 202 after the commit) at
// 1, 16 and 64 requests in flight, and latency at a fixed rate. Two limits beside it, measured in
// the same run: a bare Fastify route answering 202 in the same process (the HTTP limit), and
// plain INSERT commits on the same PostgreSQL (the database limit, one row per commit). The load
// generator runs in its own process; the API and the bare route in this one.
import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import Fastify from 'fastify';
import pg from 'pg';
import type { LoadResult } from '../children/load.ts';
import { type Child, startChild } from '../support/child-process.ts';
import { onCleanup } from '../support/cleanup.ts';
import type { BenchContext } from '../support/context.ts';
import { postgresCpuMeter } from '../support/cpu.ts';
import { type HotSpots, hotSpots, processProfiler, profileTables } from '../support/cpu-profile.ts';
import { createDatabase } from '../support/database.ts';
import { PUBLISH_BODY, startApi } from '../support/platform-api.ts';
import { progress } from '../support/progress.ts';
import { startReceiver } from '../support/receiver.ts';
import { type Summary, summarize } from '../support/stats.ts';
import { ms, num, ratio, type Table } from '../support/table.ts';

const CONCURRENCIES = [1, 16, 64];

interface Figures {
  closed: Map<number, { rate: number; latency: Summary }>;
  fixed?: LoadResult;
  /** At 64 in flight: CPU µs per accepted request of this process (the server) and of the database's backends. */
  cpu?: { server: number; postgres: number };
}

/**
 * CPU of this process (the server, or the client of the commit baseline) and of `database`'s
 * backends between start() and stop(units), in µs per unit.
 */
type ApiMeter = ReturnType<typeof cpuMeter>;
function cpuMeter(database: string | null) {
  let postgres: Awaited<ReturnType<typeof postgresCpuMeter>> | null = null;
  let before = process.cpuUsage();
  return {
    async start() {
      postgres = database ? await postgresCpuMeter(database) : null;
      before = process.cpuUsage();
    },
    async stop(units: number) {
      const used = process.cpuUsage(before);
      const postgresMs = postgres ? await postgres.read() : Number.NaN;
      return { server: (used.user + used.system) / units, postgres: (postgresMs * 1000) / units };
    },
  };
}

async function drive(
  ctx: BenchContext,
  load: Child,
  label: string,
  url: string,
  key: string,
  database: string | null,
  profile?: { start(): Promise<void>; stop(): Promise<void> },
): Promise<Figures> {
  const base = {
    url,
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
    body: PUBLISH_BODY,
  };
  progress(`publish ${label}: warming up`);
  await load.call('closed', { ...base, connections: 16, seconds: 1 });
  const closed = new Map<number, LoadResult>();
  let cpu: Figures['cpu'];
  for (const c of CONCURRENCIES) {
    const meter = c === 64 ? cpuMeter(database) : null;
    await meter?.start();
    if (c === 64 && profile) await profile.start();
    const result = await load.call<LoadResult>('closed', {
      ...base,
      connections: c,
      seconds: ctx.args.seconds,
    });
    if (c === 64 && profile) await profile.stop();
    if (meter) cpu = await meter.stop(result.ok);
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
  return { closed, fixed, cpu };
}

/** The HTTP limit: Fastify parsing the same JSON body and answering 202 with an id, nothing else. */
async function bareFastify(): Promise<{ url: string; close(): Promise<void> }> {
  const app = Fastify({ logger: false });
  app.post('/v1/events', async (_request, reply) => reply.code(202).send({ id: randomUUID() }));
  await app.listen({ port: 0, host: '127.0.0.1' });
  const close = onCleanup('bare fastify', () => app.close());
  return { url: `http://127.0.0.1:${(app.server.address() as AddressInfo).port}/v1/events`, close };
}

/**
 * The database limit: `connections` clients each committing one INSERT of the same body (its own
 * implicit transaction: one WAL flush per commit, shared by group commit) for `seconds`, from this
 * process. No HTTP, no JSON, no fan-out.
 */
async function commitRate(url: string, connections: number, seconds: number, meter: ApiMeter | null) {
  const pool = new pg.Pool({ connectionString: url, max: connections });
  try {
    await pool.query('create table if not exists bench_commit (id uuid primary key, body text not null)');
    const latencies: number[] = [];
    const end = performance.now() + seconds * 1000;
    const t0 = performance.now();
    await meter?.start();
    await Promise.all(
      Array.from({ length: connections }, async () => {
        while (performance.now() < end) {
          const start = performance.now();
          await pool.query('insert into bench_commit values (gen_random_uuid(), $1)', [PUBLISH_BODY]);
          latencies.push(performance.now() - start);
        }
      }),
    );
    const rate = latencies.length / ((performance.now() - t0) / 1000);
    // Read while the pool's backends are still alive.
    const cpu = await meter?.stop(latencies.length);
    return { rate, latency: summarize(latencies), cpu };
  } finally {
    await pool.end();
  }
}

export async function publishBench(ctx: BenchContext): Promise<Table[]> {
  const load = await startChild('load', {});
  // An endpoint is subscribed, so each publish also writes its delivery row, as in production; no
  // worker runs, so the receiver only has to exist.
  const receiver = await startReceiver(1);
  const database = await createDatabase('publish');
  const commits: Figures = { closed: new Map() };
  let bare: Figures;
  let api: Figures;
  let spots: HotSpots | null = null;
  try {
    for (const c of CONCURRENCIES) {
      const result = await commitRate(
        database.url,
        c,
        ctx.args.seconds,
        c === 64 ? cpuMeter(database.name) : null,
      );
      if (result.cpu) commits.cpu = result.cpu;
      commits.closed.set(c, result);
      progress(`publish: INSERT commits alone, ${c} connections: ${num(commits.closed.get(c)!.rate)}/s`);
    }
    const server = await bareFastify();
    try {
      bare = await drive(ctx, load, 'bare Fastify', server.url, 'none', null);
    } finally {
      await server.close();
    }
    const platform = await startApi({ databaseUrl: database.url });
    try {
      const { key } = await platform.account(receiver.urls);
      // With --profile, the API (this process) is profiled during the 64-in-flight run.
      const profiler = ctx.args.profile ? processProfiler() : null;
      const profile = profiler && {
        start: () => profiler.start(),
        stop: async () => {
          spots = hotSpots(await profiler.stop());
        },
      };
      api = await drive(
        ctx,
        load,
        'POST /v1/events',
        `${platform.url}/v1/events`,
        key,
        database.name,
        profile ?? undefined,
      );
    } finally {
      await platform.stop();
    }
  } finally {
    await database.drop();
    await receiver.stop();
    await load.stop();
  }

  const cell = (f: Figures, c: number) => {
    const r = f.closed.get(c)!;
    return `${num(r.rate)} (${ms(r.latency.p50)} / ${ms(r.latency.p99)})`;
  };
  ctx.figures.set('publish.64', api.closed.get(64)?.rate ?? Number.NaN);
  ctx.figures.set('publish.commit.64', commits.closed.get(64)?.rate ?? Number.NaN);
  const rows: string[][] = CONCURRENCIES.map((c) => [
    `accepted/s, ${c} in flight (p50 / p99)`,
    cell(bare, c),
    cell(commits, c),
    cell(api, c),
    ratio(api.closed.get(c)!.rate, bare.closed.get(c)!.rate),
    ratio(api.closed.get(c)!.rate, commits.closed.get(c)!.rate),
    c === 64 ? `≥ 8,000/s: ${ratio(api.closed.get(c)!.rate, 8_000)} of it` : '',
  ]);
  const cpu = (f: Figures) => `${num(f.cpu?.server ?? Number.NaN)} / ${num(f.cpu?.postgres ?? Number.NaN)}`;
  rows.push([
    'CPU µs per accepted request at 64 in flight: Node process / PostgreSQL',
    cpu(bare),
    cpu(commits),
    cpu(api),
    ratio(api.cpu?.server, bare.cpu?.server),
    ratio(api.cpu?.postgres, commits.cpu?.postgres),
    '',
  ]);
  const rate = num(ctx.args.publishRate);
  const b = bare.fixed!.latency;
  const a = api.fixed!.latency;
  rows.push(
    [`p50 at ${rate}/s`, ms(b.p50), '', ms(a.p50), ratio(a.p50, b.p50), '', ''],
    [
      `p99 at ${rate}/s`,
      ms(b.p99),
      '',
      ms(a.p99),
      ratio(a.p99, b.p99),
      '',
      `< 10 ms: ${a.p99 < 10 ? 'met' : `${ratio(a.p99, 10)} of it`}`,
    ],
  );
  const results = [...(api.closed.values() as Iterable<Partial<LoadResult>>), api.fixed!];
  const errors = results.reduce((n, r) => n + (r.non2xx ?? 0) + (r.errors ?? 0), 0);
  return [
    {
      title: `2. Publish: POST /v1/events, 202 after commit (${ctx.postgres})`,
      headers: [
        'measure',
        'bare Fastify 202 (HTTP limit)',
        'INSERT commit alone (DB limit)',
        'BookFlow API',
        'vs Fastify',
        'vs commit',
        'target',
      ],
      rows,
      notes: [
        `~1 KB meeting.booked bodies, one subscribed endpoint (each publish writes the event and one delivery row); ${ctx.args.seconds} s per concurrency with autocannon, then an open loop at ${rate}/s for ${ctx.args.rateSeconds} s (generator p99 lateness ${ms(api.fixed!.lateness?.p99 ?? Number.NaN)}).`,
        'API and bare route each run alone in the bench process; the load generator in a child process; PostgreSQL on the same 2 cores.',
        'INSERT commit alone: that many node-postgres connections from the bench process, each committing one INSERT of the same body in a loop: what the database gives at one row per commit, before HTTP, JSON and fan-out.',
        `${errors} non-2xx or failed requests to the API.`,
      ],
    },
    ...(spots
      ? profileTables(
          'API (POST /v1/events)',
          spots,
          'The bench process serving POST /v1/events with 64 in flight (the profiler slows that run a little).',
        )
      : []),
  ];
}
