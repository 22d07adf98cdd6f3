// Publish and delivery throughput of the platform, beside a bare undici loop to the same receiver.
// Usage: npx tsx bench/run.ts [--events 5000] [--concurrency 64] [--embedded]   (npm run bench runs index.ts)
// PostgreSQL from DATABASE_URL (default postgres://postgres@127.0.0.1:5432/postgres); --embedded uses PGlite.
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { parseArgs } from 'node:util';
import { sampleData } from '@bookflow/events';
import { type Db, openPglite, openPostgres } from '@bookflow/pg';
import pg from 'pg';
import { Agent, request } from 'undici';
import { createPlatform } from '../packages/platform/src/app.ts';
import { testConfig } from '../packages/platform/src/config/config.ts';
import { migrate } from '../packages/platform/src/db/migrate.ts';

const { values } = parseArgs({
  options: {
    events: { type: 'string', default: '5000' },
    concurrency: { type: 'string', default: '64' },
    embedded: { type: 'boolean', default: false },
  },
});
const N = Number(values.events);
const CONCURRENCY = Number(values.concurrency);
const ADMIN = 'bench-admin';
// Both platforms of the run (API, then worker) must open the same sealed secrets.
const MASTER_KEY = randomBytes(32);

async function startReceiver() {
  let count = 0;
  const server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      count++;
      res.end('ok');
    });
  });
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/hook`,
    count: () => count,
    close: () => new Promise((r) => server.close(r)),
  };
}

async function pool<T>(items: T[], concurrency: number, fn: (item: T) => Promise<void>) {
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < items.length) await fn(items[next++]!);
    }),
  );
}

async function openBenchDb(): Promise<{ db: Db; label: string; drop: () => Promise<void> }> {
  if (values.embedded) {
    const db = await openPglite(null);
    await migrate(db);
    return { db, label: 'PGlite (in-memory)', drop: async () => {} };
  }
  const base = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
  const name = `bookflow_bench_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: base });
  await admin.connect();
  await admin.query(`create database ${name}`);
  const url = new URL(base);
  url.pathname = `/${name}`;
  const db = await openPostgres({ connectionString: url.toString(), max: 20 });
  await migrate(db);
  const version = (await admin.query('show server_version')).rows[0].server_version;
  return {
    db,
    label: `PostgreSQL ${version}`,
    drop: async () => {
      await admin.query(`drop database if exists ${name} with (force)`);
      await admin.end();
    },
  };
}

async function main() {
  const receiver = await startReceiver();
  const bodies = Array.from({ length: N }, (_, i) =>
    JSON.stringify({ type: 'meeting.booked', data: sampleData('meeting.booked', { seed: i }) }),
  );

  // Baseline: the limit of this receiver on this machine, a bare undici loop with no storage.
  const agent = new Agent({ connections: 50 });
  let t0 = performance.now();
  await pool(bodies, CONCURRENCY, async (body) => {
    const res = await request(receiver.url, {
      method: 'POST',
      body,
      headers: { 'content-type': 'application/json' },
      dispatcher: agent,
    });
    await res.body.dump();
  });
  const bareRate = N / ((performance.now() - t0) / 1000);
  await agent.close();

  const { db, label, drop } = await openBenchDb();
  const platform = await createPlatform(
    testConfig({
      adminToken: ADMIN,
      masterKey: MASTER_KEY,
      allowPrivateDestinations: true,
      port: 0,
      logLevel: 'warn',
      roles: ['api'],
    }),
    { db },
  );
  await platform.start();
  const api = `http://127.0.0.1:${(platform.api!.server.address() as AddressInfo).port}`;
  const client = new Agent({ connections: CONCURRENCY });
  const post = async (path: string, token: string, body: unknown) => {
    const res = await request(`${api}${path}`, {
      method: 'POST',
      body: typeof body === 'string' ? body : JSON.stringify(body),
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      dispatcher: client,
    });
    const json = (await res.body.json()) as Record<string, string>;
    if (res.statusCode >= 300) throw new Error(`${path}: ${res.statusCode} ${JSON.stringify(json)}`);
    return json;
  };
  const account = await post('/v1/accounts', ADMIN, { name: 'bench' });
  await post('/v1/endpoints', account.api_key!, { url: receiver.url, event_types: ['meeting.booked'] });

  const before = receiver.count();
  t0 = performance.now();
  await pool(bodies, CONCURRENCY, async (body) => {
    await post('/v1/events', account.api_key!, body);
  });
  const publishSeconds = (performance.now() - t0) / 1000;

  // Delivery: a worker starts on the full backlog, so its rate is measured alone.
  const worker = await createPlatform(
    testConfig({
      adminToken: ADMIN,
      masterKey: MASTER_KEY,
      allowPrivateDestinations: true,
      logLevel: 'warn',
      roles: ['worker'],
    }),
    { db },
  );
  t0 = performance.now();
  await worker.start();
  while (receiver.count() - before < N) await new Promise((r) => setTimeout(r, 20));
  const deliverSeconds = (performance.now() - t0) / 1000;
  await worker.stop();
  await platform.stop();
  await client.close();
  await db.close();
  await drop();
  await receiver.close();

  const publishRate = N / publishSeconds;
  const deliverRate = N / deliverSeconds;
  const rows = [
    ['bare undici POST loop (baseline, no storage)', bareRate, 1],
    [`publish POST /v1/events, concurrency ${CONCURRENCY}`, publishRate, publishRate / bareRate],
    ['delivery, 1 endpoint, worker on a backlog', deliverRate, deliverRate / bareRate],
  ] as const;
  console.log(
    `\n${N} events of ~${Math.round(bodies[0]!.length / 100) / 10} KB, ${label}, Node ${process.version}\n`,
  );
  console.log(`${'what'.padEnd(52)} ${'per second'.padStart(12)} ${'vs baseline'.padStart(12)}`);
  for (const [what, rate, ratio] of rows) {
    console.log(`${what.padEnd(52)} ${rate.toFixed(0).padStart(12)} ${ratio.toFixed(2).padStart(12)}`);
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
