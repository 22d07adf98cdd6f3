import { sampleData } from '@bookflow/events';
import { type Db, openPostgres } from '@bookflow/pg';
import pg from 'pg';
import { afterEach, describe, expect, it } from 'vitest';
import { startTcpProxy, type TcpProxy } from '../../../../test/tcp-proxy.ts';
import { openTestDatabase, POSTGRES_URL, type TestDatabase } from '../support/databases.ts';
import { eventually, testPlatform } from '../support/platform.ts';

// A database that is briefly unavailable (a restart, a failover, terminated connections) is a
// 503 database_unavailable with Retry-After on every route, which clients and SDKs retry, never a
// 500. PostgreSQL only: the embedded database has no connection to lose.
if (!POSTGRES_URL) console.warn('[faults/database-unavailable] skipped: needs DATABASE_URL (PostgreSQL)');

const API_APP = 'bookflow-unavailable-api';

type Answer = { status: number; body: unknown; headers: Record<string, unknown> };

function expectUnavailable(answers: Answer[]) {
  for (const a of answers) {
    expect(a.status).toBe(503);
    expect(a.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(a.body).toMatchObject({ code: 'database_unavailable', status: 503 });
    expect(Number(a.headers['retry-after'])).toBeGreaterThan(0);
  }
}

describe.skipIf(!POSTGRES_URL)('a briefly unavailable database (postgres)', () => {
  let database: TestDatabase | null = null;
  let apiDb: Db | null = null;
  let proxy: TcpProxy | null = null;
  let admin: pg.Client | null = null;
  const stops: Array<() => Promise<void>> = [];

  afterEach(async () => {
    for (const stop of stops.splice(0)) await stop().catch(() => {});
    await admin?.end().catch(() => {});
    await apiDb?.close().catch(() => {});
    await proxy?.close();
    await database?.close();
  });

  async function setup() {
    database = await openTestDatabase('postgres');
    const target = new URL(database.url!);
    proxy = await startTcpProxy({ host: target.hostname, port: Number(target.port || 5432) });
    const url = new URL(proxy.url(database.url!));
    url.searchParams.set('application_name', API_APP);
    apiDb = await openPostgres({ connectionString: url.toString(), max: 10 });
    const api = await testPlatform(apiDb, { roles: ['api'] });
    stops.push(() => api.platform.stop());
    const account = await api.createAccount();
    await api.createEndpoint(account.api_key, 'http://127.0.0.1:9/hook');
    admin = new pg.Client({ connectionString: database.url! });
    admin.on('error', () => {});
    await admin.connect();
    return { api, account };
  }

  const publish = (api: Awaited<ReturnType<typeof setup>>['api'], key: string, i: number) =>
    api.publish(key, 'meeting.booked', sampleData('meeting.booked', { seed: i }), {
      'idempotency-key': `unavailable-${i}`,
    });

  it('publishes whose connections are terminated mid-statement answer 503 with Retry-After; their retries are accepted once', {
    timeout: 90_000,
  }, async () => {
    const { api, account } = await setup();
    // Publishes wait on a lock held by another session, so they are inside their statement when
    // their backends are terminated (pg_terminate_backend, as a restart does to them). The admin
    // session stays outside any transaction: it would see pg_stat_activity frozen at its start.
    const locker = new pg.Client({ connectionString: database!.url! });
    await locker.connect();
    stops.push(() => locker.end());
    await locker.query('begin');
    await locker.query('lock table events in access exclusive mode');
    const answers = Array.from({ length: 8 }, (_, i) => publish(api, account.api_key, i));
    const settled: Answer[] = [];
    for (const a of answers) void a.then((r) => settled.push(r));
    // Group commit sends them in more than one statement: terminate whatever waits until all
    // eight have answered.
    await eventually(async () => {
      await admin!.query(
        `select pg_terminate_backend(pid) from pg_stat_activity
          where datname = current_database() and application_name = $1 and wait_event_type = 'Lock'`,
        [API_APP],
      );
      return settled.length === answers.length;
    }, 40_000).catch((err) => {
      throw new Error(`${settled.length} of ${answers.length} answered: ${JSON.stringify(settled)}; ${err}`);
    });
    await locker.query('rollback');
    expectUnavailable(settled);

    // The pool reconnects by itself; the clients' retries (same Idempotency-Key) are accepted.
    const retried = await Promise.all(answers.map((_, i) => publish(api, account.api_key, i)));
    expect(retried.map((r) => r.status)).toEqual(answers.map(() => 202));
    const { rows } = await database!.db.query<{ n: number }>('select count(*)::int as n from events');
    expect(rows[0]!.n).toBe(answers.length);
  });

  it('while the database cannot be reached at all, every route answers 503 with Retry-After, then recovers', async () => {
    const { api, account } = await setup();
    await proxy!.stop();
    const answers = await Promise.all([
      ...Array.from({ length: 5 }, (_, i) => publish(api, account.api_key, i)),
      api.call('GET', '/v1/endpoints', account.api_key),
      api.call('GET', '/v1/deliveries', account.api_key),
      api.call('GET', '/v1/account', account.api_key),
      api.call('POST', '/v1/endpoints', account.api_key, {
        url: 'http://127.0.0.1:9/other',
        event_types: ['meeting.booked'],
      }),
    ]);
    expectUnavailable(answers);

    await proxy!.start();
    const again = await publish(api, account.api_key, 0);
    expect(again.status).toBe(202);
    expect((await api.call('GET', '/v1/endpoints', account.api_key)).status).toBe(200);
    const { rows } = await database!.db.query<{ n: number }>('select count(*)::int as n from events');
    expect(rows[0]!.n).toBe(1);
  });
});
