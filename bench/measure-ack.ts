// Measures how fast the reference consumer acknowledges deliveries, per store.
//
//   DATABASE_URL=postgres://... REDIS_URL=redis://... npx tsx bench/measure-ack.ts
//     [--stores postgres,redis,pglite] [--rates 500,2000] [--seconds 5] [--connections 64] [--worker false]
//
// For each store it starts `examples/reference-receiver/src/main.ts` as its own process (a fresh Postgres database
// or Redis key prefix, dropped afterwards), then:
//   1. open loop at each fixed rate: requests are scheduled at t0 + i/rate whether or not earlier
//      ones have answered, and latency counts from the scheduled time, so a server that falls
//      behind shows it in p99 instead of silently slowing the client down;
//   2. closed loop with --connections requests in flight for --seconds: the highest ack rate.
// With --worker false the consumer only acknowledges (BOOKFLOW_RECEIVER_WORKER=false), as when
// workers run in other processes; by default its worker processes the events while they arrive.
// Every request is a distinct event (a duplicate would skip the insert and flatter the figures).
// Client and server share this machine's cores; the figures are a floor, not a ceiling.
import { spawn } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { deliveryHeaders, generateSecret, sampleEnvelope } from '@bookflow/events';
import { Redis } from 'ioredis';
import pg from 'pg';
import { Pool } from 'undici';

const { values: args } = parseArgs({
  options: {
    stores: { type: 'string', default: 'postgres,redis' },
    rates: { type: 'string', default: '500,2000' },
    seconds: { type: 'string', default: '5' },
    connections: { type: 'string', default: '64' },
    worker: { type: 'string', default: 'true' },
  },
});
const SECONDS = Number(args.seconds);
const CONNECTIONS = Number(args.connections);
const MAIN = fileURLToPath(new URL('../examples/reference-receiver/src/main.ts', import.meta.url));
const SECRET = generateSecret();
const TEMPLATE = sampleEnvelope('meeting.booked', { seed: 7 });

function signedRequest() {
  const id = randomUUID();
  const body = JSON.stringify({ ...TEMPLATE, id });
  const headers = deliveryHeaders({
    eventId: id,
    eventType: TEMPLATE.type,
    schemaVersion: TEMPLATE.schema_version,
    attempt: 1,
    deliveredAt: new Date(),
    body,
    secrets: [SECRET],
  });
  return { headers, body };
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

interface StoreUnderTest {
  name: string;
  env: Record<string, string>;
  cleanup(): Promise<void>;
}

async function prepare(name: string): Promise<StoreUnderTest | undefined> {
  if (name === 'postgres') {
    if (!process.env.DATABASE_URL) return undefined;
    const db = `bookflow_recv_bench_${randomBytes(4).toString('hex')}`;
    const admin = new pg.Client({ connectionString: process.env.DATABASE_URL });
    await admin.connect();
    await admin.query(`CREATE DATABASE ${db}`);
    await admin.end();
    const url = new URL(process.env.DATABASE_URL);
    url.pathname = `/${db}`;
    return {
      name,
      env: {
        BOOKFLOW_RECEIVER_STORE: 'postgres',
        DATABASE_URL: url.toString(),
        BOOKFLOW_RECEIVER_DB_POOL_SIZE: '20',
      },
      async cleanup() {
        const c = new pg.Client({ connectionString: process.env.DATABASE_URL });
        await c.connect();
        await c.query(`DROP DATABASE IF EXISTS ${db} WITH (FORCE)`);
        await c.end();
      },
    };
  }
  if (name === 'redis') {
    if (!process.env.REDIS_URL) return undefined;
    const prefix = `bookflow-recv-bench:${randomBytes(4).toString('hex')}:`;
    return {
      name,
      env: {
        BOOKFLOW_RECEIVER_STORE: 'redis',
        REDIS_URL: process.env.REDIS_URL,
        BOOKFLOW_RECEIVER_REDIS_PREFIX: prefix,
      },
      async cleanup() {
        const redis = new Redis(process.env.REDIS_URL!);
        let cursor = '0';
        do {
          const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
          if (keys.length) await redis.del(...keys);
          cursor = next;
        } while (cursor !== '0');
        await redis.quit();
      },
    };
  }
  if (name === 'pglite') {
    const dir = `/tmp/bookflow-recv-bench-${randomBytes(4).toString('hex')}`;
    return {
      name,
      env: { BOOKFLOW_RECEIVER_STORE: 'postgres', BOOKFLOW_RECEIVER_DATA_DIR: dir },
      async cleanup() {
        const { rm } = await import('node:fs/promises');
        await rm(dir, { recursive: true, force: true });
      },
    };
  }
  throw new Error(`unknown store ${name}`);
}

async function startReceiver(env: Record<string, string>) {
  const port = await freePort();
  const { DATABASE_URL: _db, REDIS_URL: _redis, ...inherited } = process.env;
  const child = spawn(process.execPath, ['--import', 'tsx', MAIN], {
    env: {
      ...inherited,
      ...env,
      BOOKFLOW_WEBHOOK_SECRETS: SECRET,
      PORT: String(port),
      HOST: '127.0.0.1',
      BOOKFLOW_RECEIVER_WORKER: args.worker,
    },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const base = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 30_000;
  for (;;) {
    try {
      const response = await fetch(`${base}/healthz`);
      if (response.ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline || child.exitCode !== null)
      throw new Error('the reference consumer did not start');
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return {
    base,
    async stop() {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
    },
  };
}

async function send(pool: Pool) {
  const { headers, body } = signedRequest();
  const response = await pool.request({ path: '/webhooks/bookflow', method: 'POST', headers, body });
  await response.body.dump();
  return response.statusCode;
}

async function openLoop(pool: Pool, rate: number) {
  const total = rate * SECONDS;
  const latencies: number[] = [];
  let errors = 0;
  const started = performance.now();
  const inFlight: Promise<void>[] = [];
  for (let i = 0; i < total; i++) {
    const due = started + (i * 1000) / rate;
    const wait = due - performance.now();
    if (wait > 1) await new Promise((resolve) => setTimeout(resolve, wait));
    inFlight.push(
      send(pool).then(
        (status) => {
          if (status === 200) latencies.push(performance.now() - due);
          else errors++;
        },
        () => {
          errors++;
        },
      ),
    );
  }
  await Promise.all(inFlight);
  const elapsed = (performance.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  return { sent: total, ok: latencies.length, errors, elapsed, latencies };
}

async function closedLoop(pool: Pool) {
  let ok = 0;
  let errors = 0;
  const latencies: number[] = [];
  const end = performance.now() + SECONDS * 1000;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: CONNECTIONS }, async () => {
      while (performance.now() < end) {
        const t = performance.now();
        try {
          if ((await send(pool)) === 200) {
            ok++;
            latencies.push(performance.now() - t);
          } else errors++;
        } catch {
          errors++;
        }
      }
    }),
  );
  latencies.sort((a, b) => a - b);
  return { ok, errors, elapsed: (performance.now() - started) / 1000, latencies };
}

const ms = (n: number) => `${n.toFixed(2)} ms`;

for (const name of args.stores.split(',')) {
  const store = await prepare(name.trim());
  if (!store) {
    console.log(`\n[${name}] skipped: ${name === 'redis' ? 'REDIS_URL' : 'DATABASE_URL'} is not set`);
    continue;
  }
  const receiver = await startReceiver(store.env);
  const pool = new Pool(receiver.base, { connections: CONNECTIONS });
  try {
    // Warm up: JIT, connection pools, prepared plans.
    await closedLoopFor(pool, 1);
    console.log(
      `\n[${name}] reference consumer at ${receiver.base}, worker ${args.worker === 'false' ? 'off' : 'on'}, ${SECONDS} s per phase`,
    );
    for (const rate of args.rates.split(',').map(Number)) {
      const r = await openLoop(pool, rate);
      console.log(
        `  ${String(rate).padStart(5)}/s open loop: ${r.ok}/${r.sent} acked, ${r.errors} errors, ` +
          `achieved ${(r.ok / r.elapsed).toFixed(0)}/s, p50 ${ms(percentile(r.latencies, 50))}, ` +
          `p95 ${ms(percentile(r.latencies, 95))}, p99 ${ms(percentile(r.latencies, 99))}`,
      );
    }
    const max = await closedLoop(pool);
    console.log(
      `  max (closed loop, ${CONNECTIONS} in flight): ${(max.ok / max.elapsed).toFixed(0)} acks/s, ` +
        `${max.errors} errors, p50 ${ms(percentile(max.latencies, 50))}, p99 ${ms(percentile(max.latencies, 99))}`,
    );
  } finally {
    await pool.close();
    await receiver.stop();
    await store.cleanup();
  }
}

async function closedLoopFor(pool: Pool, seconds: number) {
  const end = performance.now() + seconds * 1000;
  await Promise.all(
    Array.from({ length: 16 }, async () => {
      while (performance.now() < end) await send(pool).catch(() => undefined);
    }),
  );
}
