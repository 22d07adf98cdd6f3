import { sampleData } from '@bookflow/events';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BACKENDS, openTestDatabase, type TestDatabase } from '../support/databases.ts';
import { testPlatform } from '../support/platform.ts';

describe.each(BACKENDS)('API keys, rate limit and OpenAPI (%s)', (backend) => {
  let database: TestDatabase;
  let t: Awaited<ReturnType<typeof testPlatform>>;

  beforeAll(async () => {
    database = await openTestDatabase(backend);
    t = await testPlatform(database.db, { roles: ['api'], apiRateLimitPerMinute: 40 });
  });

  afterAll(async () => {
    await t.platform.stop();
    await database.close();
  });

  it('several keys per account, shown once, listed without the key, revocable at once', async () => {
    const account = await t.createAccount();
    const created = await t.call('POST', '/v1/api-keys', account.api_key, { name: 'voice agent' });
    expect(created.status).toBe(201);
    const second = created.body as { id: string; key: string; prefix: string; name: string };
    expect(second.key).toMatch(/^bfk_/);
    expect(second.key.startsWith(second.prefix)).toBe(true);
    expect((await t.call('GET', '/v1/account', second.key)).status).toBe(200);

    const list = await t.call('GET', '/v1/api-keys', second.key);
    const keys = (list.body as { data: Array<{ id: string; name: string | null }> }).data;
    expect(keys).toHaveLength(2);
    expect(JSON.stringify(list.body)).not.toContain(second.key);
    expect(JSON.stringify(list.body)).not.toContain(account.api_key);

    expect((await t.call('DELETE', `/v1/api-keys/${second.id}`, account.api_key)).status).toBe(204);
    const after = await t.call('GET', '/v1/account', second.key);
    expect(after.status).toBe(401);
    expect((after.body as { code: string }).code).toBe('unauthorized');

    const firstId = keys.find((k) => k.id !== second.id)!.id;
    const last = await t.call('DELETE', `/v1/api-keys/${firstId}`, account.api_key);
    expect(last.status).toBe(409);
    expect((last.body as { code: string }).code).toBe('last_api_key');
  });

  it("another account's key id answers 404 and is not revoked", async () => {
    const alice = await t.createAccount();
    const bob = await t.createAccount();
    const extra = (await t.call('POST', '/v1/api-keys', alice.api_key, {})).body as {
      id: string;
      key: string;
    };
    expect((await t.call('DELETE', `/v1/api-keys/${extra.id}`, bob.api_key)).status).toBe(404);
    expect((await t.call('GET', '/v1/account', extra.key)).status).toBe(200);
  });

  it('publishes arriving together are each answered for their own key, a wrong one refused alone', async () => {
    const alice = await t.createAccount();
    const bob = await t.createAccount();
    const data = sampleData('meeting.booked');
    // Sent at once, so their keys are looked up in the same statement (accounts/key-lookups.ts).
    const keys = [
      alice.api_key,
      'bfk_live_unknown',
      bob.api_key,
      alice.api_key,
      'bfk_live_unknown',
      bob.api_key,
    ];
    const answers = await Promise.all(keys.map((key) => t.publish(key, 'meeting.booked', data)));
    expect(answers.map((a) => a.status)).toEqual([202, 401, 202, 202, 401, 202]);
    const own = async (key: string) =>
      ((await t.call('GET', '/v1/events', key)).body as { data: Array<{ id: string }> }).data.map(
        (e) => e.id,
      );
    const ids = answers.map((a) => (a.body as { id?: string }).id);
    expect((await own(alice.api_key)).sort()).toEqual([ids[0], ids[3]].sort());
    expect((await own(bob.api_key)).sort()).toEqual([ids[2], ids[5]].sort());
  });

  it('a key revoked through one API process is refused by another on its next publish', async () => {
    const other = await testPlatform(database.db, { roles: ['api'] });
    try {
      const account = await t.createAccount();
      const extra = (await t.call('POST', '/v1/api-keys', account.api_key, {})).body as {
        id: string;
        key: string;
      };
      const data = sampleData('meeting.booked');
      expect((await other.publish(extra.key, 'meeting.booked', data)).status).toBe(202);
      expect((await t.call('DELETE', `/v1/api-keys/${extra.id}`, account.api_key)).status).toBe(204);
      const refused = await other.publish(extra.key, 'meeting.booked', data);
      expect(refused.status).toBe(401);
      expect((refused.body as { code: string }).code).toBe('unauthorized');
    } finally {
      await other.platform.stop();
    }
  });

  it('each API key is rate limited on its own, with problem+json and Retry-After', async () => {
    const a = await t.createAccount();
    const b = await t.createAccount();
    let limited: { status: number; body: unknown; headers: Record<string, unknown> } | null = null;
    for (let i = 0; i < 45 && !limited; i++) {
      const res = await t.call('GET', '/v1/endpoints', a.api_key);
      if (res.status === 429) limited = res;
    }
    expect(limited).not.toBeNull();
    expect(limited!.headers['content-type']).toContain('application/problem+json');
    expect((limited!.body as { code: string }).code).toBe('rate_limited');
    expect(Number(limited!.headers['retry-after'])).toBeGreaterThan(0);
    expect((await t.call('GET', '/v1/endpoints', b.api_key)).status).toBe(200);
    // Publishing is the event stream, not management: it is not limited.
    const publish = await t.call('POST', '/v1/events', a.api_key, { type: 'call.started', data: {} });
    expect(publish.status).toBe(422);
    expect((await t.call('GET', '/healthz', null)).status).toBe(200);
  });

  it('serves an OpenAPI 3.1 document generated from the routes, and a docs page', async () => {
    const doc = await t.call('GET', '/openapi.json', null);
    expect(doc.status).toBe(200);
    const body = doc.body as { openapi: string; paths: Record<string, Record<string, unknown>> };
    expect(body.openapi).toBe('3.1.0');
    for (const path of [
      '/v1/events',
      '/v1/endpoints',
      '/v1/endpoints/{id}',
      '/v1/deliveries/replay',
      '/v1/api-keys',
    ]) {
      expect(Object.keys(body.paths)).toContain(path);
    }
    expect(body.paths['/v1/events']).toHaveProperty('post');
    const docs = await t.platform.api!.inject({ method: 'GET', url: '/docs/' });
    expect(docs.statusCode).toBe(200);
    expect(docs.body).toContain('<html');
  });
});
