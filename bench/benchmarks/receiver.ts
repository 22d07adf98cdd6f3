// Benchmark 5: how fast a receiver built with the kit acknowledges deliveries (verify, dedupe +
// enqueue in one step, 200) on PostgreSQL and on Redis, beside the same Fastify server answering
// 200 with no kit (the limit) and beside signature verification alone, in-process.
import { generateSecret, sampleEnvelope } from '@bookflow/events';
import { Webhook } from 'standardwebhooks';
import { verifyDelivery } from '../../packages/receiver/src/index.ts';
import type { LoadResult } from '../children/load.ts';
import type { ReceiverKitSpec } from '../children/receiver-kit.ts';
import { type Child, startChild } from '../support/child-process.ts';
import type { BenchContext } from '../support/context.ts';
import { postgresCpuMeter, processCpuMs } from '../support/cpu.ts';
import { type HotSpots, hotSpots, type Profile, profileTables } from '../support/cpu-profile.ts';
import { commits, createDatabase } from '../support/database.ts';
import { progress } from '../support/progress.ts';
import { deleteKeys, REDIS_URL } from '../support/redis.ts';
import { ms, num, ratio, type Table } from '../support/table.ts';
import { signer } from '../workers/payloads.ts';

const SECRET = generateSecret();
const CONNECTIONS = 64;

interface KitRun {
  label: string;
  max?: LoadResult;
  fixed?: LoadResult;
  queued?: number;
  /** Every 200 of the run, warm-up included: each should be one queued job. */
  acked?: number;
  /** CPU µs per acknowledgement in the closed loop: the kit's process, and PostgreSQL's backends. */
  kitCpuUs?: number;
  pgCpuUs?: number;
  /** The load generator's CPU µs per acknowledgement: on this machine it shares the cores. */
  loadCpuUs?: number;
  /** Commits in the run's database per 1,000 acknowledgements (closed loop). */
  commitsPer1000?: number;
  profile?: HotSpots;
}

async function measure(
  ctx: BenchContext,
  load: Child,
  label: string,
  spec: ReceiverKitSpec,
  database?: string,
): Promise<KitRun> {
  const server = await startChild('receiver-kit', spec);
  try {
    const url = await server.call<string>('url');
    const base = { url, connections: CONNECTIONS, signedSecret: SECRET };
    progress(`receiver ${label}: warming up, then ${ctx.args.seconds} s with ${CONNECTIONS} in flight`);
    const warm = await load.call<LoadResult>('closed', { ...base, seconds: 1 });
    const pgMeter = database ? await postgresCpuMeter(database) : null;
    const commits0 = database ? await commits(database) : Number.NaN;
    const kit0 = processCpuMs(server.pid) ?? Number.NaN;
    const load0 = processCpuMs(load.pid) ?? Number.NaN;
    if (ctx.args.profile) await server.call('profileStart');
    const max = await load.call<LoadResult>('closed', { ...base, seconds: ctx.args.seconds });
    const profile = ctx.args.profile ? await server.call<Profile | null>('profileStop') : null;
    const kitCpuUs = (((processCpuMs(server.pid) ?? Number.NaN) - kit0) * 1000) / max.ok;
    const loadCpuUs = (((processCpuMs(load.pid) ?? Number.NaN) - load0) * 1000) / max.ok;
    const pgCpuUs = pgMeter ? ((await pgMeter.read()) * 1000) / max.ok : undefined;
    // Statistics reach pg_stat_database when a backend goes idle (at most a second later).
    if (database) await new Promise((r) => setTimeout(r, 1_500));
    const commitsPer1000 = database ? (((await commits(database)) - commits0) * 1000) / max.ok : undefined;
    const rate = ctx.args.receiverRate;
    progress(`receiver ${label}: ${num(max.rate)} acks/s; now ${num(rate)}/s for ${ctx.args.rateSeconds} s`);
    const fixed = await load.call<LoadResult>('open', { ...base, rate, seconds: ctx.args.rateSeconds });
    const depth = await server.call<{ queued: number } | null>('depth');
    return {
      label,
      max,
      fixed,
      queued: depth?.queued,
      acked: warm.ok + max.ok + fixed.ok,
      kitCpuUs,
      pgCpuUs,
      loadCpuUs,
      commitsPer1000,
      profile: profile ? hotSpots(profile) : undefined,
    };
  } finally {
    await server.stop();
  }
}

/** Verifications per second in this process over `n` distinct signed deliveries (each verified once). */
function verifyRate(n: number, verify: (body: string, headers: Record<string, string>) => unknown): number {
  const sign = signer(SECRET);
  const template = sampleEnvelope('meeting.booked', { seed: 7 });
  const messages = Array.from({ length: n }, (_, i) => {
    const id = `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`;
    const body = JSON.stringify({ ...template, id });
    return { body, headers: sign({ url: '', id, type: template.type, body }, 1) };
  });
  for (const m of messages.slice(0, 2_000)) verify(m.body, m.headers); // warm up the JIT
  const t0 = performance.now();
  for (const m of messages) verify(m.body, m.headers);
  return n / ((performance.now() - t0) / 1000);
}

export async function receiverBench(ctx: BenchContext): Promise<Table[]> {
  const runs: KitRun[] = [];
  const load = await startChild('load', {});
  try {
    runs.push(await measure(ctx, load, 'bare Fastify', { store: 'bare', secret: SECRET }));
    if (ctx.postgres) {
      const database = await createDatabase('receiver');
      try {
        runs.push(
          await measure(
            ctx,
            load,
            'kit + PostgreSQL',
            {
              store: 'postgres',
              secret: SECRET,
              databaseUrl: database.url,
            },
            database.name,
          ),
        );
      } finally {
        await database.drop();
      }
    } else runs.push({ label: 'kit + PostgreSQL' });
    if (ctx.redis) {
      const prefix = `bookflow-bench-recv-${process.pid}:`;
      try {
        runs.push(
          await measure(ctx, load, 'kit + Redis', {
            store: 'redis',
            secret: SECRET,
            redisUrl: REDIS_URL,
            redisPrefix: prefix,
          }),
        );
      } finally {
        await deleteKeys(prefix);
      }
    } else runs.push({ label: 'kit + Redis' });
  } finally {
    await load.stop();
  }

  progress('receiver: signature verification alone, in-process');
  const wh = new Webhook(SECRET);
  const standard = verifyRate(50_000, (body, headers) => wh.verify(body, headers));
  const kit = verifyRate(50_000, (body, headers) => verifyDelivery(headers, body, { secrets: [SECRET] }));

  const bare = runs[0]!;
  const postgres = runs.find((r) => r.label === 'kit + PostgreSQL');
  ctx.figures.set('receiver.postgres.max', postgres?.max?.rate ?? Number.NaN);
  ctx.figures.set('receiver.postgres.p99', postgres?.fixed?.latency.p99 ?? Number.NaN);
  const rate = ctx.args.receiverRate;
  const rows = runs.map((r) => [
    r.label === 'bare Fastify'
      ? 'bare Fastify route, 200 (the limit)'
      : `receiver kit, ${r.label.slice(6)} store`,
    r.max ? num(r.max.rate) : 'skipped',
    ratio(r.max?.rate, bare.max?.rate),
    r === bare ? '' : ratio(r.max?.rate, standard),
    r.max ? ms(r.max.latency.p50) : '',
    r.max ? ms(r.max.latency.p99) : '',
    r.fixed ? ms(r.fixed.latency.p50) : '',
    r.fixed ? ms(r.fixed.latency.p99) : '',
    r.fixed ? ratio(r.fixed.latency.p99, bare.fixed?.latency.p99) : '',
    r.fixed ? `${r.fixed.non2xx + r.fixed.errors + (r.max?.non2xx ?? 0) + (r.max?.errors ?? 0)}` : '',
  ]);
  const lateness = Math.max(...runs.map((r) => r.fixed?.lateness?.p99 ?? 0));
  return [
    {
      title: `5. Receiver acknowledgements: verify + dedupe + enqueue (${ctx.postgres ?? 'no PostgreSQL'}, ${ctx.redis ?? 'no Redis'})`,
      headers: [
        'receiver',
        `acks/s (${CONNECTIONS} in flight)`,
        'vs bare',
        'vs verify alone',
        'p50',
        'p99',
        `p50 at ${num(rate)}/s`,
        `p99 at ${num(rate)}/s`,
        'p99 vs bare',
        'errors',
      ],
      rows,
      notes: [
        `Each request is a distinct meeting.booked (~1.2 KB), freshly signed; the server runs in its own process, the load generator in another (${ctx.args.seconds} s closed loop with autocannon, then ${ctx.args.rateSeconds} s open loop at ${num(rate)}/s, generator p99 lateness ${ms(lateness)}).`,
        'The kit’s handler worker is off (acknowledgement path only); PostgreSQL pool of 10 (the reference consumer’s default).',
        `Verify alone, in-process over 50,000 distinct deliveries: standardwebhooks Webhook.verify ${num(standard)}/s (incl. its JSON.parse), the kit’s verifyDelivery ${num(kit)}/s (${ratio(kit, standard)} of standardwebhooks).`,
        ...runs
          .filter((r) => r.queued !== undefined)
          .map(
            (r) =>
              `${r.label}: ${num(r.queued!)} jobs queued for ${num(r.acked ?? 0)} 200s counted (warm-up included; requests cut off in flight at the end of a closed loop are enqueued but not counted).`,
          ),
        `Target: ack p99 < 5 ms at 2,000/s.`,
      ],
    },
    {
      title: 'Receiver CPU per acknowledgement (closed loop, 64 in flight)',
      headers: [
        'receiver',
        'kit process µs/ack',
        'PostgreSQL backends µs/ack',
        'load generator µs/ack',
        'commits per 1,000 acks',
      ],
      rows: runs
        .filter((r) => r.kitCpuUs !== undefined)
        .map((r) => [
          r.label,
          num(r.kitCpuUs!),
          r.pgCpuUs === undefined ? '' : num(r.pgCpuUs),
          r.loadCpuUs === undefined ? '' : num(r.loadCpuUs),
          r.commitsPer1000 === undefined ? '' : r.commitsPer1000.toFixed(1),
        ]),
      notes: [
        'From /proc (utime + stime) over the closed loop; PostgreSQL counts the backends of the run’s database only (WAL writer and checkpointer not counted). 2 cores give 2,000,000 µs per second in all, shared with the load generator.',
      ],
    },
    ...runs.flatMap((r) =>
      r.profile
        ? profileTables(`Receiver ${r.label}`, r.profile, 'Closed loop, 64 in flight, the kit process.')
        : [],
    ),
  ];
}
