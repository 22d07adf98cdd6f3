import { sampleData } from '@bookflow/events';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BACKENDS, openTestDatabase, type TestDatabase } from '../support/databases.ts';
import { fingerprint } from '../support/fingerprint.ts';
import { eventually, testPlatform } from '../support/platform.ts';
import { startReceiver, type TestReceiver } from '../support/receiver.ts';

type Method = 'GET' | 'POST' | 'PATCH' | 'DELETE';

/** Strips what legitimately differs between two 404s (the request path). */
function shape(body: unknown): unknown {
  const { instance: _instance, detail: _detail, ...rest } = body as Record<string, unknown>;
  return rest;
}

describe.each(BACKENDS)('tenant isolation (%s)', (backend) => {
  let database: TestDatabase;
  let t: Awaited<ReturnType<typeof testPlatform>>;
  let receiver: TestReceiver;
  let alice: { id: string; api_key: string };
  let bob: { id: string; api_key: string };
  const a = { endpoint: '', event: '', delivery: '', key: '' };

  beforeAll(async () => {
    database = await openTestDatabase(backend);
    receiver = await startReceiver(() => ({ status: 500 }));
    t = await testPlatform(database.db, { retryScheduleMs: [10] });
    alice = await t.createAccount({ name: 'Alice Co' });
    bob = await t.createAccount({ name: 'Bob Co' });
    a.endpoint = (await t.createEndpoint(alice.api_key, receiver.url)).id;
    a.event = (
      (await t.publish(alice.api_key, 'meeting.booked', sampleData('meeting.booked'))).body as { id: string }
    ).id;
    a.key = (
      (await t.call('POST', '/v1/api-keys', alice.api_key, { name: 'second' })).body as { id: string }
    ).id;
    const dead = await eventually(async () => {
      const res = await t.call('GET', '/v1/deliveries?status=dead', alice.api_key);
      return (res.body as { data: Array<{ id: string }> }).data[0];
    });
    a.delivery = dead.id;
    await t.platform.worker!.stop();
  });

  afterAll(async () => {
    await t.platform.stop();
    await receiver.close();
    await database.close();
  });

  it("every route answers B's requests for A's ids exactly like unknown ids, and changes nothing", async () => {
    const unknown = {
      endpoint: 'ep_AAAAAAAAAAAAAAAA',
      event: '00000000-0000-4000-8000-000000000000',
      delivery: '00000000-0000-4000-8000-000000000001',
      key: 'key_AAAAAAAAAAAAAAAA',
    };
    const routes = (ids: typeof a): Array<[Method, string, unknown?]> => [
      ['GET', `/v1/endpoints/${ids.endpoint}`],
      ['PATCH', `/v1/endpoints/${ids.endpoint}`, { enabled: false }],
      ['DELETE', `/v1/endpoints/${ids.endpoint}`],
      ['POST', `/v1/endpoints/${ids.endpoint}/rotate-secret`, {}],
      ['GET', `/v1/events/${ids.event}`],
      ['GET', `/v1/events/${ids.event}/deliveries`],
      ['DELETE', `/v1/events/${ids.event}`],
      ['GET', `/v1/deliveries/${ids.delivery}`],
      ['POST', `/v1/deliveries/${ids.delivery}/replay`],
      ['DELETE', `/v1/api-keys/${ids.key}`],
    ];
    const before = await fingerprint(database.db);
    const foreign = routes(a);
    const missing = routes(unknown);
    for (let i = 0; i < foreign.length; i++) {
      const [method, url, body] = foreign[i]!;
      const theirs = await t.call(method, url, bob.api_key, body);
      const none = await t.call(missing[i]![0], missing[i]![1], bob.api_key, missing[i]![2]);
      expect(theirs.status, `${method} ${url}`).toBe(404);
      expect(shape(theirs.body), `${method} ${url}`).toEqual(shape(none.body));
      expect(JSON.stringify(theirs.body)).not.toContain('Alice');
    }
    expect(await fingerprint(database.db)).toEqual(before);
  });

  it("lists, filters, counts and bulk replay never reach A's rows", async () => {
    const before = await fingerprint(database.db);
    expect((await t.call('GET', '/v1/endpoints', bob.api_key)).body).toEqual({ data: [], next_cursor: null });
    expect((await t.call('GET', '/v1/deliveries', bob.api_key)).body).toEqual({
      data: [],
      next_cursor: null,
    });
    expect((await t.call('GET', `/v1/deliveries?endpoint_id=${a.endpoint}`, bob.api_key)).body).toEqual({
      data: [],
      next_cursor: null,
    });
    expect((await t.call('GET', '/v1/deliveries?status=dead', bob.api_key)).body).toEqual({
      data: [],
      next_cursor: null,
    });
    const bulk = await t.call('POST', '/v1/deliveries/replay', bob.api_key, { endpoint_id: a.endpoint });
    expect(bulk.body).toEqual({ queued: 0, has_more: false });
    const bulkAll = await t.call('POST', '/v1/deliveries/replay', bob.api_key, {});
    expect(bulkAll.body).toEqual({ queued: 0, has_more: false });
    const keys = (await t.call('GET', '/v1/api-keys', bob.api_key)).body as { data: unknown[] };
    expect(keys.data).toHaveLength(1);
    expect((await t.call('GET', '/v1/account', bob.api_key)).body).toMatchObject({
      id: bob.id,
      name: 'Bob Co',
    });
    expect(await fingerprint(database.db)).toEqual(before);
    // A still sees its own.
    expect(
      ((await t.call('GET', '/v1/deliveries?status=dead', alice.api_key)).body as { data: unknown[] }).data,
    ).toHaveLength(1);
  });

  it('an idempotency key of A does not answer B, and B cannot publish into A', async () => {
    const data = sampleData('call.started');
    const first = await t.publish(alice.api_key, 'call.started', data, { 'idempotency-key': 'k1' });
    const second = await t.publish(bob.api_key, 'call.started', data, { 'idempotency-key': 'k1' });
    expect((second.body as { id: string }).id).not.toBe((first.body as { id: string }).id);
    const event = await t.call('GET', `/v1/events/${(second.body as { id: string }).id}`, bob.api_key);
    expect(event.body).toMatchObject({ account_id: bob.id });
  });

  it('metrics carry no account, endpoint or event identifiers', async () => {
    const metrics = await t.platform.api!.inject({ method: 'GET', url: '/metrics' });
    for (const id of [alice.id, bob.id, a.endpoint, a.event, a.delivery, receiver.url]) {
      expect(metrics.body).not.toContain(id);
    }
  });
});
