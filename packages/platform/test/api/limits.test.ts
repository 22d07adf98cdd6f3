import { sampleData } from '@bookflow/events';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BACKENDS, openTestDatabase, type TestDatabase } from '../support/databases.ts';
import { testPlatform } from '../support/platform.ts';

type Problem = { code: string; detail: string };
type Page<T> = { data: T[]; next_cursor: string | null };
type Attempt = { series: number; attempt: number };
type DeliveryDetail = {
  id: string;
  attempts: Attempt[];
  attempts_total: number;
  attempts_next_cursor: string | null;
};

describe.each(BACKENDS)('bounded growth (%s)', (backend) => {
  let database: TestDatabase;
  let t: Awaited<ReturnType<typeof testPlatform>>;

  beforeAll(async () => {
    database = await openTestDatabase(backend);
    // API only: no worker, so published deliveries stay pending until a test moves them.
    t = await testPlatform(database.db, {
      roles: ['api'],
      maxEndpointsPerAccount: 3,
      bulkReplaysPerMinute: 2,
      bulkReplayMaxRows: 4,
    });
  });

  afterAll(async () => {
    await t.platform.stop();
    await database.close();
  });

  const createEndpoint = (key: string, n: number) =>
    t.call('POST', '/v1/endpoints', key, {
      url: `https://hooks.example.com/${n}`,
      event_types: ['meeting.booked'],
    });

  /** Publishes `n` events to one endpoint of a new account and returns their delivery ids. */
  async function accountWithDeliveries(n: number) {
    const account = await t.createAccount();
    const endpoint = await t.createEndpoint(account.api_key, 'https://hooks.example.com/d');
    const eventIds: string[] = [];
    for (let i = 0; i < n; i += 1) {
      const res = await t.publish(account.api_key, 'meeting.booked', sampleData('meeting.booked'));
      eventIds.push((res.body as { id: string }).id);
    }
    const { rows } = await database.db.query<{ id: string }>(
      'select id from deliveries where account_id = $1 order by created_at, id',
      [account.id],
    );
    return { ...account, endpoint, eventIds, deliveryIds: rows.map((r) => r.id) };
  }

  it('refuses an endpoint beyond the per-account limit with 409 endpoint_limit_reached; deleted ones do not count', async () => {
    const { api_key: key } = await t.createAccount();
    const ids: string[] = [];
    for (let i = 0; i < 3; i += 1) {
      const res = await createEndpoint(key, i);
      expect(res.status).toBe(201);
      ids.push((res.body as { id: string }).id);
    }
    const refused = await createEndpoint(key, 3);
    expect(refused.status).toBe(409);
    expect(refused.body).toMatchObject({ code: 'endpoint_limit_reached', limit: 3 });
    expect((refused.body as Problem).detail).toContain('BOOKFLOW_MAX_ENDPOINTS_PER_ACCOUNT');
    expect((await t.call('DELETE', `/v1/endpoints/${ids[0]}`, key)).status).toBe(204);
    expect((await createEndpoint(key, 4)).status).toBe(201);
    expect((await createEndpoint(key, 5)).status).toBe(409);
    // Another account has its own allowance.
    expect((await createEndpoint((await t.createAccount()).api_key, 0)).status).toBe(201);
  });

  it('concurrent creations never pass the limit together', async () => {
    const account = await t.createAccount();
    const answers = await Promise.all(
      Array.from({ length: 8 }, (_, i) => createEndpoint(account.api_key, i)),
    );
    expect(answers.filter((a) => a.status === 201)).toHaveLength(3);
    expect(answers.filter((a) => a.status === 409)).toHaveLength(5);
    const { rows } = await database.db.query<{ n: number }>(
      'select count(*)::int as n from endpoints where account_id = $1',
      [account.id],
    );
    expect(rows[0]!.n).toBe(3);
  });

  it('GET /v1/endpoints is paginated with limit, cursor and next_cursor, oldest first', async () => {
    const { api_key: key } = await t.createAccount();
    const created: string[] = [];
    for (let i = 0; i < 3; i += 1) created.push(((await createEndpoint(key, i)).body as { id: string }).id);

    const first = (await t.call('GET', '/v1/endpoints?limit=2', key)).body as Page<{ id: string }>;
    expect(first.data.map((e) => e.id)).toEqual(created.slice(0, 2));
    expect(first.next_cursor).toEqual(expect.any(String));
    const second = (await t.call('GET', `/v1/endpoints?limit=2&cursor=${first.next_cursor}`, key))
      .body as Page<{ id: string }>;
    expect(second.data.map((e) => e.id)).toEqual(created.slice(2));
    expect(second.next_cursor).toBeNull();
    const all = (await t.call('GET', '/v1/endpoints', key)).body as Page<{ id: string }>;
    expect(all.data.map((e) => e.id)).toEqual(created);
    expect(all.next_cursor).toBeNull();

    for (const query of ['limit=0', 'limit=251', 'limit=x', 'cursor=bm9wZQ', 'other=1']) {
      const bad = await t.call('GET', `/v1/endpoints?${query}`, key);
      expect(bad.status).toBe(400);
      expect((bad.body as Problem).code).toBe('validation_failed');
    }
  });

  it("shows a delivery's newest attempts and pages through the rest at /v1/deliveries/{id}/attempts", async () => {
    const account = await accountWithDeliveries(1);
    const deliveryId = account.deliveryIds[0]!;
    // 30 attempts over 5 series of 6, inserted directly: the read path is what is under test.
    await database.db.query(
      `insert into delivery_attempts (delivery_id, series, attempt_number, trigger, started_at, duration_ms, outcome, status_code)
       select $1, 1 + (n - 1) / 6, 1 + (n - 1) % 6, 'publish', now(), 5, 'failed', 500 from generate_series(1, 30) n`,
      [deliveryId],
    );
    const key = account.api_key;
    const flat = (list: Attempt[]) => list.map((a) => (a.series - 1) * 6 + a.attempt);

    const detail = (await t.call('GET', `/v1/deliveries/${deliveryId}`, key)).body as DeliveryDetail;
    expect(flat(detail.attempts)).toEqual(Array.from({ length: 25 }, (_, i) => i + 6));
    expect(detail.attempts_total).toBe(30);
    const older = (
      await t.call('GET', `/v1/deliveries/${deliveryId}/attempts?cursor=${detail.attempts_next_cursor}`, key)
    ).body as Page<Attempt>;
    expect(flat(older.data)).toEqual([5, 4, 3, 2, 1]);
    expect(older.next_cursor).toBeNull();

    const seen: number[] = [];
    let cursor: string | null = '';
    while (cursor !== null) {
      const res = await t.call(
        'GET',
        `/v1/deliveries/${deliveryId}/attempts?limit=7${cursor ? `&cursor=${cursor}` : ''}`,
        key,
      );
      const page = res.body as Page<Attempt>;
      expect(page.data.length).toBeLessThanOrEqual(7);
      seen.push(...flat(page.data));
      cursor = page.next_cursor;
    }
    expect(seen).toEqual(Array.from({ length: 30 }, (_, i) => 30 - i));

    const ofEvent = (await t.call('GET', `/v1/events/${account.eventIds[0]}/deliveries`, key)).body as {
      data: DeliveryDetail[];
    };
    expect(flat(ofEvent.data[0]!.attempts)).toEqual(Array.from({ length: 10 }, (_, i) => i + 21));
    expect(ofEvent.data[0]!.attempts_total).toBe(30);
    expect(ofEvent.data[0]!.attempts_next_cursor).toEqual(expect.any(String));

    // A delivery with every attempt shown has no cursor; another account's delivery is not found.
    const few = await accountWithDeliveries(1);
    const fewDetail = (await t.call('GET', `/v1/deliveries/${few.deliveryIds[0]}`, few.api_key))
      .body as DeliveryDetail;
    expect(fewDetail).toMatchObject({ attempts: [], attempts_total: 0, attempts_next_cursor: null });
    expect((await t.call('GET', `/v1/deliveries/${deliveryId}/attempts`, few.api_key)).status).toBe(404);
    const forged = await t.call('GET', `/v1/deliveries/${deliveryId}/attempts?cursor=bm9wZQ`, key);
    expect(forged.status).toBe(400);
  });

  it('refuses a replay while an earlier replay series is still pending, also when two arrive at once', async () => {
    const account = await accountWithDeliveries(2);
    const [one, two] = account.deliveryIds as [string, string];
    await database.db.query(`update deliveries set status = 'dead', dead_at = now() where account_id = $1`, [
      account.id,
    ]);
    expect((await t.call('POST', `/v1/deliveries/${one}/replay`, account.api_key)).status).toBe(202);
    const again = await t.call('POST', `/v1/deliveries/${one}/replay`, account.api_key);
    expect(again.status).toBe(409);
    expect(again.body).toMatchObject({ code: 'delivery_in_progress', series: 2 });
    expect((again.body as Problem).detail).toContain('earlier replay');

    const both = await Promise.all([
      t.call('POST', `/v1/deliveries/${two}/replay`, account.api_key),
      t.call('POST', `/v1/deliveries/${two}/replay`, account.api_key),
    ]);
    expect(both.map((r) => r.status).sort()).toEqual([202, 409]);
    const { rows } = await database.db.query<{ series: number }>(
      'select series from deliveries where account_id = $1 order by created_at, id',
      [account.id],
    );
    expect(rows.map((r) => r.series)).toEqual([2, 2]);
  });

  it('bulk replay: no body means every dead letter, at most the row cap per call, rate limited per account', async () => {
    const account = await accountWithDeliveries(10);
    const dead = () =>
      database.db
        .query<{ n: number }>(
          `select count(*)::int as n from deliveries where account_id = $1 and status = 'dead'`,
          [account.id],
        )
        .then((r) => r.rows[0]!.n);
    await database.db.query(`update deliveries set status = 'dead', dead_at = now() where account_id = $1`, [
      account.id,
    ]);

    const first = await t.call('POST', '/v1/deliveries/replay', account.api_key);
    expect(first).toMatchObject({ status: 202, body: { queued: 4, has_more: true } });
    const second = await t.call('POST', '/v1/deliveries/replay', account.api_key, {});
    expect(second).toMatchObject({ status: 202, body: { queued: 4, has_more: true } });
    expect(await dead()).toBe(2);

    const refused = await t.call('POST', '/v1/deliveries/replay', account.api_key);
    expect(refused.status).toBe(429);
    expect((refused.body as Problem).code).toBe('bulk_replay_rate_limited');
    const retryAfter = Number(refused.headers['retry-after']);
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(60);
    expect(await dead()).toBe(2);

    // The limit is the account's own: another account replays meanwhile.
    const other = await t.createAccount();
    expect((await t.call('POST', '/v1/deliveries/replay', other.api_key)).status).toBe(202);

    // Once the minute is over (moved back in the database instead of waiting), the rest goes.
    await database.db.query(
      `update accounts set bulk_replay_window_start = now() - interval '61 seconds' where id = $1`,
      [account.id],
    );
    const last = await t.call('POST', '/v1/deliveries/replay', account.api_key);
    expect(last).toMatchObject({ status: 202, body: { queued: 2, has_more: false } });
    expect(await dead()).toBe(0);
  });

  it('an empty body sent as JSON is a 400 that says what to send', async () => {
    const { api_key: key } = await t.createAccount();
    const res = await t.platform.api!.inject({
      method: 'POST',
      url: '/v1/deliveries/replay',
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
    });
    expect(res.statusCode).toBe(400);
    expect(JSON.parse(res.body)).toMatchObject({
      code: 'malformed_json',
      detail: expect.stringContaining('{}'),
    });
  });
});

describe.each(BACKENDS)('pagination of rows created in one transaction (%s)', (backend) => {
  let database: TestDatabase;
  let t: Awaited<ReturnType<typeof testPlatform>>;

  beforeAll(async () => {
    database = await openTestDatabase(backend);
    t = await testPlatform(database.db, { roles: ['api'] });
  });

  afterAll(async () => {
    await t.platform.stop();
    await database.close();
  });

  it('walks every delivery and endpoint once, though they share a creation time to the microsecond', async () => {
    const account = await t.createAccount();
    for (let i = 0; i < 7; i += 1) {
      await t.createEndpoint(account.api_key, `https://hooks.example.com/${i}`);
    }
    // One publish fans out to all seven endpoints in one transaction: one created_at for all.
    await t.publish(account.api_key, 'meeting.booked', sampleData('meeting.booked'));
    // The endpoints get one shared time too, with microseconds a JS Date cannot carry.
    await database.db.query(
      `update endpoints set created_at = '2026-01-01T00:00:00.123456Z' where account_id = $1`,
      [account.id],
    );
    for (const [path, total] of [
      ['/v1/deliveries', 7],
      ['/v1/endpoints', 7],
    ] as const) {
      const seen: string[] = [];
      let cursor: string | null = '';
      while (cursor !== null) {
        const res = await t.call(
          'GET',
          `${path}?limit=3${cursor ? `&cursor=${cursor}` : ''}`,
          account.api_key,
        );
        const page = res.body as Page<{ id: string }>;
        seen.push(...page.data.map((r) => r.id));
        cursor = page.next_cursor;
      }
      expect(seen).toHaveLength(total);
      expect(new Set(seen).size).toBe(total);
    }
  });
});
