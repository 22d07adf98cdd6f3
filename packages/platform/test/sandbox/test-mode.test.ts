import { sampleData } from '@bookflow/events';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { openSse } from '../dashboard/sse-client.ts';
import { BACKENDS, openTestDatabase, type TestDatabase } from '../support/databases.ts';
import { eventually, testPlatform } from '../support/platform.ts';
import { startReceiver, type TestReceiver } from '../support/receiver.ts';
import { accountFingerprint } from './mode-fingerprint.ts';
import { hasPathId, listRoutes, type ModeIds, type Route, requestFor } from './route-calls.ts';

/**
 * Routes that reach across modes on purpose, with the test that covers them. A live key may wipe
 * the test data (that is what the route is for).
 */
const ACROSS_MODES_BY_DESIGN = new Set(['DELETE /v1/test-data']);

describe.each(BACKENDS)('test mode (%s)', (backend) => {
  let database: TestDatabase;
  let t: Awaited<ReturnType<typeof testPlatform>>;
  let liveReceiver: TestReceiver;
  let testReceiver: TestReceiver;
  /** The API over real HTTP, for event streams: they stay open, which app.inject cannot read. */
  let baseUrl: string;

  beforeAll(async () => {
    database = await openTestDatabase(backend);
    liveReceiver = await startReceiver();
    testReceiver = await startReceiver();
    t = await testPlatform(database.db);
    baseUrl = await t.platform.api!.listen({ port: 0, host: '127.0.0.1' });
  });

  afterAll(async () => {
    await t.platform.stop();
    await liveReceiver.close();
    await testReceiver.close();
    await database.close();
  });

  /** A live account and a test key for it. */
  async function accountWithTestKey() {
    const live = await t.createAccount({ name: 'Acme' });
    const created = await t.call('POST', '/v1/api-keys', live.api_key, { mode: 'test', name: 'ci' });
    expect(created.status).toBe(201);
    const testKey = (created.body as { key: string }).key;
    const testAccount = (await t.call('GET', '/v1/account', testKey)).body as { id: string; mode: string };
    return { live, liveKey: live.api_key, testKey, testAccountId: testAccount.id };
  }

  /** An endpoint, an event delivered to it, and a second key, in the key's mode. */
  async function seed(key: string, accountId: string, receiver: TestReceiver): Promise<ModeIds> {
    const endpoint = (await t.createEndpoint(key, receiver.url, ['meeting.booked', 'call.ended'])).id;
    const published = await t.publish(key, 'meeting.booked', sampleData('meeting.booked', { seed: 3 }));
    const event = (published.body as { id: string }).id;
    const delivery = await eventually(async () => {
      const res = await t.call('GET', `/v1/events/${event}/deliveries`, key);
      const first = (res.body as { data: Array<{ id: string; status: string }> }).data[0];
      return first?.status === 'succeeded' ? first.id : null;
    });
    const extraKey = (await t.call('POST', '/v1/api-keys', key, { name: 'spare' })).body as { id: string };
    return { accountId, endpoint, event, delivery, key: extraKey.id };
  }

  describe('keys', () => {
    it('a live key makes test keys; a test key makes only test keys and cannot erase the account', async () => {
      const { live, liveKey, testKey, testAccountId } = await accountWithTestKey();
      expect(liveKey).toMatch(/^bfk_live_/);
      expect(testKey).toMatch(/^bfk_test_/);
      expect(testAccountId).not.toBe(live.id);
      expect((await t.call('GET', '/v1/account', liveKey)).body).toMatchObject({ id: live.id, mode: 'live' });
      expect((await t.call('GET', '/v1/account', testKey)).body).toMatchObject({
        id: testAccountId,
        mode: 'test',
      });

      // A second test key lands on the same twin.
      const second = (await t.call('POST', '/v1/api-keys', liveKey, { mode: 'test' })).body as {
        key: string;
      };
      expect(((await t.call('GET', '/v1/account', second.key)).body as { id: string }).id).toBe(
        testAccountId,
      );
      const fromTest = await t.call('POST', '/v1/api-keys', testKey, {});
      expect(fromTest.body).toMatchObject({ mode: 'test', key: expect.stringMatching(/^bfk_test_/) });

      const escalate = await t.call('POST', '/v1/api-keys', testKey, { mode: 'live' });
      expect(escalate.status).toBe(403);
      expect(escalate.body).toMatchObject({ code: 'live_key_required' });
      const erase = await t.call('DELETE', '/v1/account', testKey, { confirm: testAccountId });
      expect(erase.status).toBe(403);
      expect(erase.body).toMatchObject({ code: 'live_key_required' });

      const liveKeys = (await t.call('GET', '/v1/api-keys', liveKey)).body as {
        data: Array<{ mode: string }>;
      };
      const testKeys = (await t.call('GET', '/v1/api-keys', testKey)).body as {
        data: Array<{ mode: string }>;
      };
      expect(liveKeys.data.map((k) => k.mode)).toEqual(['live']);
      expect(testKeys.data.map((k) => k.mode)).toEqual(['test', 'test', 'test']);
    });

    it('erasing the live account erases its test twin and all its rows', async () => {
      const { live, liveKey, testKey, testAccountId } = await accountWithTestKey();
      await seed(testKey, testAccountId, testReceiver);
      const res = await t.call('DELETE', '/v1/account', liveKey, { confirm: live.id });
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ erased: { accounts: 2, endpoints: 1, events: 1, deliveries: 1 } });
      for (const id of [live.id, testAccountId]) {
        const left = await accountFingerprint(database.db, id);
        expect(Object.values(left).flat()).toEqual([]);
      }
      expect((await t.call('GET', '/v1/endpoints', testKey)).status).toBe(401);
    });
  });

  describe('isolation on every route', () => {
    let live: ModeIds;
    let test: ModeIds;
    let liveKey: string;
    let testKey: string;
    let routes: Route[];

    beforeEach(async () => {
      await t.platform.worker!.start();
      const account = await accountWithTestKey();
      liveKey = account.liveKey;
      testKey = account.testKey;
      live = await seed(liveKey, account.live.id, liveReceiver);
      test = await seed(testKey, account.testAccountId, testReceiver);
      // Nothing is delivered while the routes are called, so the rows stay as the fingerprint saw them.
      await t.platform.worker!.stop();
      routes = listRoutes(t.platform.api!);
    });

    /**
     * An event stream (text/event-stream) of the caller's account. Naming another mode's row, it
     * answers 404 at once. Otherwise it stays open, so it is read over HTTP from the start of the
     * account's history (Last-Event-ID 0.0, no filter) until a marker of the caller's own mode
     * arrives, and nothing of the other mode may come before the marker.
     */
    async function streamKeepsOut(route: Route, key: string, own: ModeIds, other: ModeIds) {
      const name = `${route.method} ${route.path}`;
      const otherIds = [other.accountId, other.endpoint, other.event, other.delivery, other.key];
      const authorization = `Bearer ${key}`;
      if (hasPathId(route)) {
        const res = await fetch(`${baseUrl}${requestFor(route, other).url}`, {
          method: route.method,
          headers: { authorization },
        });
        expect(res.status, `${name}: another mode's id`).toBe(404);
        // A problem's `instance` echoes the request path, which the caller wrote itself.
        const { instance: _path, ...answer } = (await res.json()) as Record<string, unknown>;
        const text = JSON.stringify(answer);
        for (const id of otherIds) expect(text, `${name} answered another mode's ${id}`).not.toContain(id);
        return;
      }
      const stream = await openSse(`${baseUrl}${route.path}`, { authorization, 'last-event-id': '0.0' });
      try {
        expect(stream.status, `${name}: opens`).toBe(200);
        // The caller's own history first: once it has come, everything older (the other mode's
        // seeded rows included) has been sent, and the marker can only come after it.
        await eventually(async () => stream.events.some((e) => e.data.includes(own.delivery)));
        const marker = (await t.publish(key, 'meeting.booked', sampleData('meeting.booked', { seed: 9 })))
          .body as { id: string };
        await eventually(async () => stream.events.some((e) => e.data.includes(marker.id)));
        const seen = stream.events.slice(
          0,
          stream.events.findIndex((e) => e.data.includes(marker.id)),
        );
        const text = JSON.stringify(seen);
        for (const id of otherIds) expect(text, `${name} streamed another mode's ${id}`).not.toContain(id);
      } finally {
        await stream.close();
      }
    }

    /** Calls every account route with `key`, naming `other`'s rows; asserts it saw and changed none. */
    async function everyRouteKeepsOut(key: string, own: ModeIds, other: ModeIds, skip: Set<string>) {
      const before = await accountFingerprint(database.db, other.accountId);
      const otherIds = [other.accountId, other.endpoint, other.event, other.delivery, other.key];
      let called = 0;
      for (const route of routes) {
        const name = `${route.method} ${route.path}`;
        if (skip.has(name)) continue;
        // Public routes answer without a key and admin routes refuse account keys: neither holds account rows.
        const anonymous = await t.platform.api!.inject({
          method: route.method,
          url: requestFor(route, other).url,
        });
        if (anonymous.statusCode !== 401) continue;
        if (route.eventStream) {
          called++;
          await streamKeepsOut(route, key, own, other);
          expect(
            await accountFingerprint(database.db, other.accountId),
            `${name} changed the other mode`,
          ).toEqual(before);
          continue;
        }
        const { url, body } = requestFor(route, other);
        const res = await t.call(route.method as 'GET', url, key, body);
        if (res.status === 403 && (res.body as { code: string }).code === 'admin_token_required') continue;
        called++;
        if (hasPathId(route)) expect(res.status, `${name}: another mode's id`).toBe(404);
        // A problem's `instance` echoes the request path, which the caller wrote itself.
        const { instance: _path, ...answer } = (res.body ?? {}) as Record<string, unknown>;
        const text = JSON.stringify(answer);
        for (const id of otherIds) expect(text, `${name} answered another mode's ${id}`).not.toContain(id);
        expect(
          await accountFingerprint(database.db, other.accountId),
          `${name} changed the other mode`,
        ).toEqual(before);
      }
      // The API has account routes with and without ids; a route list that came back empty proves nothing.
      expect(called).toBeGreaterThan(15);
    }

    it('a test key cannot read, publish into, replay or change live data', async () => {
      await everyRouteKeepsOut(testKey, test, live, new Set());
    });

    it('a live key cannot read, publish into, replay or change test data', async () => {
      await everyRouteKeepsOut(liveKey, live, test, ACROSS_MODES_BY_DESIGN);
    });
  });

  it('test events never reach live endpoints, nor live events test endpoints', async () => {
    await t.platform.worker!.start();
    const { liveKey, testKey, live, testAccountId } = await accountWithTestKey();
    const liveHook = await startReceiver();
    const testHook = await startReceiver();
    try {
      await t.createEndpoint(liveKey, liveHook.url, ['call.ended']);
      await t.createEndpoint(testKey, testHook.url, ['call.ended']);
      const published = { live: [] as string[], test: [] as string[] };
      for (let i = 0; i < 3; i++) {
        const res = await t.publish(testKey, 'call.ended', sampleData('call.ended', { seed: i }));
        published.test.push((res.body as { id: string }).id);
      }
      for (let i = 0; i < 2; i++) {
        const res = await t.publish(liveKey, 'call.ended', sampleData('call.ended', { seed: 10 + i }));
        published.live.push((res.body as { id: string }).id);
      }
      await Promise.all([liveHook.waitFor(2), testHook.waitFor(3)]);
      await eventually(async () => {
        const res = await t.call('GET', '/v1/deliveries?status=succeeded', testKey);
        return (res.body as { data: unknown[] }).data.length === 3;
      });
      const ids = (r: TestReceiver) => r.requests.map((q) => JSON.parse(q.body).id as string).sort();
      expect(ids(liveHook)).toEqual([...published.live].sort());
      expect(ids(testHook)).toEqual([...published.test].sort());
      expect(testHook.requests.map((q) => JSON.parse(q.body).account_id)).toEqual([
        testAccountId,
        testAccountId,
        testAccountId,
      ]);
      expect(liveHook.requests.map((q) => JSON.parse(q.body).account_id)).toEqual([live.id, live.id]);
    } finally {
      await liveHook.close();
      await testHook.close();
    }
  });

  it('DELETE /v1/test-data wipes the test data only, with a live key or a test key', async () => {
    await t.platform.worker!.start();
    const { live, liveKey, testKey, testAccountId } = await accountWithTestKey();
    await seed(liveKey, live.id, liveReceiver);
    await seed(testKey, testAccountId, testReceiver);
    await t.call(
      'POST',
      `/v1/endpoints/${(await t.createEndpoint(testKey, testReceiver.url)).id}/test`,
      testKey,
      {
        type: 'meeting.booked',
      },
    );
    await t.platform.worker!.stop();
    const liveBefore = await accountFingerprint(database.db, live.id);
    const testBefore = await accountFingerprint(database.db, testAccountId);

    const wiped = await t.call('DELETE', '/v1/test-data', liveKey);
    expect(wiped.status).toBe(200);
    expect(wiped.body).toMatchObject({
      test_account_id: testAccountId,
      deleted: {
        endpoints: 2,
        endpoint_secrets: 2,
        events: 2,
        deliveries: 2,
        delivery_attempts: testBefore.delivery_attempts!.length,
      },
    });
    expect(await accountFingerprint(database.db, live.id)).toEqual(liveBefore);
    const testAfter = await accountFingerprint(database.db, testAccountId);
    expect(testAfter).toMatchObject({ endpoints: [], endpoint_secrets: [], events: [], deliveries: [] });
    // The twin and its keys stay: test keys keep working on an empty sandbox.
    expect(testAfter.accounts).toEqual(testBefore.accounts);
    expect(testAfter.api_keys).toEqual(testBefore.api_keys);
    expect((await t.call('GET', '/v1/endpoints', testKey)).body).toEqual({ data: [], next_cursor: null });

    await t.platform.worker!.start();
    await seed(testKey, testAccountId, testReceiver);
    await t.platform.worker!.stop();
    const again = await t.call('DELETE', '/v1/test-data', testKey);
    expect(again.body).toMatchObject({
      test_account_id: testAccountId,
      deleted: { endpoints: 1, events: 1 },
    });
    expect(await accountFingerprint(database.db, live.id)).toEqual(liveBefore);
  });

  it('an account that never used test mode wipes nothing', async () => {
    const account = await t.createAccount();
    const res = await t.call('DELETE', '/v1/test-data', account.api_key);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      test_account_id: null,
      deleted: { endpoints: 0, endpoint_secrets: 0, events: 0, deliveries: 0, delivery_attempts: 0 },
    });
  });
});
