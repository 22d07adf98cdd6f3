import { sampleData } from '@bookflow/events';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BACKENDS, openTestDatabase, type TestDatabase } from '../support/databases.ts';
import { eventually, testPlatform } from '../support/platform.ts';
import { startReceiver, type TestReceiver } from '../support/receiver.ts';

interface StatsBody {
  window: string;
  bucket_seconds: number;
  totals: {
    succeeded: number;
    failed: number;
    dead_lettered: number;
    success_rate: number | null;
    latency_ms: { p50: number | null; p99: number | null };
  };
  now: { queue_depth: number; held: number; dead_letter_depth: number };
  buckets: Array<{
    succeeded: number;
    failed: number;
    dead_lettered: number;
    queue_depth: number;
    dead_letter_depth: number;
  }>;
}

describe.each(BACKENDS)('GET /v1/stats (%s)', (backend) => {
  let database: TestDatabase;
  let t: Awaited<ReturnType<typeof testPlatform>>;
  let ok: TestReceiver;
  let failing: TestReceiver;
  let account: { id: string; api_key: string };
  let good: { id: string };
  let bad: { id: string };

  beforeAll(async () => {
    database = await openTestDatabase(backend);
    t = await testPlatform(database.db);
    ok = await startReceiver(() => ({ status: 200 }));
    failing = await startReceiver(() => ({ status: 500 }));
    account = await t.createAccount();
    good = await t.createEndpoint(account.api_key, ok.url, ['meeting.booked']);
    bad = await t.createEndpoint(account.api_key, failing.url, ['call.started']);
    for (let i = 0; i < 4; i++) {
      await t.publish(account.api_key, 'meeting.booked', sampleData('meeting.booked', { seed: i }));
      await t.publish(account.api_key, 'call.started', sampleData('call.started', { seed: i }));
    }
    // Four successes; four deliveries dead after 7 failed attempts each (the test schedule is short).
    await eventually(async () => {
      const { rows } = await database.db.query<{ n: number }>(
        "select count(*)::int as n from deliveries where status in ('succeeded', 'dead')",
      );
      return rows[0]!.n === 8;
    }, 90_000);
  }, 120_000);
  afterAll(async () => {
    await t.platform.stop();
    await ok.close();
    await failing.close();
    await database.close();
  });

  async function stats(query: string, key = account.api_key) {
    const res = await t.call('GET', `/v1/stats${query}`, key);
    return { status: res.status, body: res.body as StatsBody };
  }

  it('counts outcomes, dead letters and latency for the account, and the buckets add up to the totals', async () => {
    const { status, body } = await stats('?window=1h');
    expect(status).toBe(200);
    expect(body.bucket_seconds).toBe(60);
    expect(body.buckets).toHaveLength(60);
    expect(body.totals).toMatchObject({ succeeded: 4, failed: 28, dead_lettered: 4 });
    expect(body.totals.success_rate).toBeCloseTo(4 / 32);
    expect(body.totals.latency_ms.p50).not.toBeNull();
    expect(body.totals.latency_ms.p99!).toBeGreaterThanOrEqual(body.totals.latency_ms.p50!);
    expect(body.now).toEqual({ queue_depth: 0, held: 0, dead_letter_depth: 4 });
    const sum = (k: 'succeeded' | 'failed' | 'dead_lettered') => body.buckets.reduce((n, b) => n + b[k], 0);
    expect([sum('succeeded'), sum('failed'), sum('dead_lettered')]).toEqual([4, 28, 4]);
    expect(body.buckets.at(-1)!.dead_letter_depth).toBe(4);
    expect(body.buckets[0]!.dead_letter_depth).toBe(0);
    expect(body.buckets[0]!.queue_depth).toBe(0);
  });

  it('narrows to one endpoint, and covers a day in quarter hours', async () => {
    const g = await stats(`?endpoint_id=${good.id}&window=24h`);
    expect(g.body.bucket_seconds).toBe(900);
    expect(g.body.buckets).toHaveLength(96);
    expect(g.body.totals).toMatchObject({ succeeded: 4, failed: 0, dead_lettered: 0, success_rate: 1 });
    const b = await stats(`?endpoint_id=${bad.id}`);
    expect(b.body.totals).toMatchObject({ succeeded: 0, failed: 28, dead_lettered: 4, success_rate: 0 });
  });

  it("another account's endpoint is a 404, and the other account sees none of these figures", async () => {
    const other = await t.createAccount();
    expect((await stats(`?endpoint_id=${good.id}`, other.api_key)).status).toBe(404);
    expect((await stats('?endpoint_id=ep_doesnotexist', other.api_key)).status).toBe(404);
    const mine = await stats('', other.api_key);
    expect(mine.body.totals).toMatchObject({ succeeded: 0, failed: 0, dead_lettered: 0, success_rate: null });
    expect((await stats('?window=7d')).status).toBe(400);
    expect((await t.call('GET', '/v1/stats', null)).status).toBe(401);
  });
});
