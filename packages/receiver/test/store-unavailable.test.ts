import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTcpProxy, type TcpProxy } from '../../../test/tcp-proxy.ts';
import { createFetchHandler } from '../src/fetch.ts';
import { createReceiver } from '../src/index.ts';
import { fromPgPool, PostgresStore } from '../src/postgres.ts';
import { delivery, SECRET } from './helpers/deliveries.ts';
import { createTestDatabase, DATABASE_URL } from './helpers/postgres.ts';

// A database that cannot be reached for a moment (restart, failover) is a 503 with Retry-After,
// which BookFlow's sender (and any other) retries: the delivery is delayed, never lost.
if (!DATABASE_URL) console.warn('[store-unavailable.test.ts] skipped: needs DATABASE_URL (PostgreSQL)');

const URL_ = 'http://receiver.test/webhooks/bookflow';

describe.skipIf(!DATABASE_URL)('postgres store unreachable', () => {
  let database: Awaited<ReturnType<typeof createTestDatabase>>;
  let proxy: TcpProxy;
  let pool: pg.Pool;
  let store: PostgresStore;

  beforeAll(async () => {
    database = await createTestDatabase();
    const target = new URL(database.url);
    proxy = await startTcpProxy({ host: target.hostname, port: Number(target.port || 5432) });
    pool = new pg.Pool({ connectionString: proxy.url(database.url), max: 4 });
    // As an application does: a client killed while the pool ends it must not crash the run.
    pool.on('error', () => undefined);
    store = await PostgresStore.create({ db: fromPgPool(pool, { ownsPool: false }) });
  });
  afterAll(async () => {
    await pool?.end();
    await proxy?.close();
    await database?.drop();
  });

  it('answers 503 store_unavailable with Retry-After while the database is down, and 200 once it is back', async () => {
    const handler = createFetchHandler(createReceiver({ store, secrets: [SECRET] }));
    const post = (d: ReturnType<typeof delivery>) =>
      handler(new Request(URL_, { method: 'POST', headers: d.headers, body: d.body }));
    const deliveries = Array.from({ length: 6 }, () => delivery('meeting.booked'));

    await proxy.stop();
    const refused = await Promise.all(deliveries.map(post));
    for (const r of refused) {
      expect(r.status).toBe(503);
      expect(r.headers.get('content-type')).toBe('application/problem+json');
      expect(Number(r.headers.get('retry-after'))).toBeGreaterThan(0);
      expect(await r.json()).toMatchObject({ code: 'store_unavailable' });
    }

    // The sender's retries, once the database is back: each event enqueued exactly once.
    await proxy.start();
    const retried = await Promise.all(deliveries.map(post));
    expect(retried.map((r) => r.status)).toEqual(deliveries.map(() => 200));
    expect(await Promise.all(retried.map((r) => r.json()))).toEqual(
      deliveries.map((d) => ({ id: d.id, status: 'accepted' })),
    );
    expect(await store.depth()).toEqual({ queued: 6, running: 0, dead: 0 });
  });
});
