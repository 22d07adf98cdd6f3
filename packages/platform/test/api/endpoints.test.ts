import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BACKENDS, openTestDatabase, type TestDatabase } from '../support/databases.ts';
import { ADMIN_TOKEN, testPlatform } from '../support/platform.ts';

describe.each(BACKENDS)('accounts and endpoints API (%s)', (backend) => {
  let database: TestDatabase;
  let t: Awaited<ReturnType<typeof testPlatform>>;
  let key: string;

  beforeAll(async () => {
    database = await openTestDatabase(backend);
    t = await testPlatform(database.db, { roles: ['api'] });
    key = (await t.createAccount()).api_key;
  });

  afterAll(async () => {
    await t.platform.stop();
    await database.close();
  });

  it('account creation needs the admin token and returns the key once', async () => {
    expect((await t.call('POST', '/v1/accounts', null, { name: 'x' })).status).toBe(401);
    const wrong = await t.call('POST', '/v1/accounts', 'not-the-token', { name: 'x' });
    expect(wrong.status).toBe(403);
    expect((wrong.body as { code: string }).code).toBe('admin_token_required');
    const ok = await t.call('POST', '/v1/accounts', ADMIN_TOKEN, { name: 'Globex' });
    expect(ok.status).toBe(201);
    expect(ok.body).toMatchObject({
      id: expect.stringMatching(/^acct_/),
      api_key: expect.stringMatching(/^bfk_/),
      name: 'Globex',
    });
    const me = await t.call('GET', '/v1/account', (ok.body as { api_key: string }).api_key);
    expect(me.body).toMatchObject({ id: (ok.body as { id: string }).id, name: 'Globex' });
    expect(JSON.stringify(me.body)).not.toContain('bfk_');
    // Only a hash is stored.
    const { rows } = await database.db.query<{ key_hash: string }>('select key_hash from api_keys');
    expect(rows.every((r) => !r.key_hash.startsWith('bfk_'))).toBe(true);
  });

  it('creates, lists, reads, patches and deletes an endpoint; the secret is shown only at creation', async () => {
    const created = await t.call('POST', '/v1/endpoints', key, {
      url: 'https://hooks.example.com/bookflow',
      event_types: ['meeting.booked', 'call.ended'],
      description: 'HubSpot sync',
    });
    expect(created.status).toBe(201);
    const ep = created.body as { id: string; secret: string };
    expect(ep.secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    expect(created.body).toMatchObject({
      url: 'https://hooks.example.com/bookflow',
      enabled: true,
      description: 'HubSpot sync',
    });

    const list = await t.call('GET', '/v1/endpoints', key);
    expect((list.body as { data: Array<{ id: string }> }).data.map((e) => e.id)).toContain(ep.id);
    expect(JSON.stringify(list.body)).not.toContain('whsec_');
    const one = await t.call('GET', `/v1/endpoints/${ep.id}`, key);
    expect(one.body).not.toHaveProperty('secret');

    const patched = await t.call('PATCH', `/v1/endpoints/${ep.id}`, key, {
      event_types: ['lead.disqualified'],
      enabled: false,
    });
    expect(patched.body).toMatchObject({
      event_types: ['lead.disqualified'],
      enabled: false,
      disabled_reason: 'manual',
    });
    const reenabled = await t.call('PATCH', `/v1/endpoints/${ep.id}`, key, { enabled: true });
    expect(reenabled.body).toMatchObject({ enabled: true, disabled_reason: null });

    expect((await t.call('DELETE', `/v1/endpoints/${ep.id}`, key)).status).toBe(204);
    expect((await t.call('GET', `/v1/endpoints/${ep.id}`, key)).status).toBe(404);
    expect((await t.call('DELETE', `/v1/endpoints/${ep.id}`, key)).status).toBe(404);
  });

  const bad: Array<[string, unknown, number, string]> = [
    ['a bad URL', { url: 'not a url', event_types: ['meeting.booked'] }, 422, 'invalid_url'],
    [
      'a non-http scheme',
      { url: 'ftp://example.com/x', event_types: ['meeting.booked'] },
      422,
      'invalid_url',
    ],
    [
      'credentials in the URL',
      { url: 'https://u:p@example.com/x', event_types: ['meeting.booked'] },
      422,
      'invalid_url',
    ],
    ['empty event_types', { url: 'https://example.com/x', event_types: [] }, 422, 'empty_event_types'],
    [
      'an unknown event type',
      { url: 'https://example.com/x', event_types: ['meeting.exploded'] },
      422,
      'unknown_event_type',
    ],
    ['a missing url', { event_types: ['meeting.booked'] }, 400, 'validation_failed'],
    [
      'event_types not an array',
      { url: 'https://example.com/x', event_types: 'meeting.booked' },
      400,
      'validation_failed',
    ],
    [
      'an oversize URL',
      { url: `https://example.com/${'a'.repeat(3000)}`, event_types: ['meeting.booked'] },
      400,
      'validation_failed',
    ],
  ];

  it.each(bad)('%s is refused with its code and nothing is written', async (_name, body, status, code) => {
    const before = await database.db.query<{ n: number }>('select count(*)::int as n from endpoints');
    const res = await t.call('POST', '/v1/endpoints', key, body);
    expect(res.status).toBe(status);
    expect((res.body as { code: string }).code).toBe(code);
    const after = await database.db.query<{ n: number }>('select count(*)::int as n from endpoints');
    expect(after.rows[0]!.n).toBe(before.rows[0]!.n);
  });

  it('per-endpoint rate_limit and max_concurrency are set at creation, patched, and reset with null', async () => {
    const created = await t.call('POST', '/v1/endpoints', key, {
      url: 'https://example.com/limited',
      event_types: ['call.ended'],
      rate_limit: 20,
      max_concurrency: 4,
    });
    expect(created.body).toMatchObject({ rate_limit: 20, max_concurrency: 4, failing_since: null });
    const id = (created.body as { id: string }).id;
    const patched = await t.call('PATCH', `/v1/endpoints/${id}`, key, { max_concurrency: 1 });
    expect(patched.body).toMatchObject({ rate_limit: 20, max_concurrency: 1 });
    const reset = await t.call('PATCH', `/v1/endpoints/${id}`, key, { rate_limit: null });
    expect(reset.body).toMatchObject({ rate_limit: null, max_concurrency: 1 });
    const bad = await t.call('PATCH', `/v1/endpoints/${id}`, key, { rate_limit: -1 });
    expect(bad.status).toBe(400);
    expect((bad.body as { code: string }).code).toBe('validation_failed');
  });

  it("another account gets 404 for this account's endpoint, on every verb", async () => {
    const ep = (
      await t.call('POST', '/v1/endpoints', key, {
        url: 'https://example.com/a',
        event_types: ['call.started'],
      })
    ).body as { id: string };
    const other = (await t.createAccount()).api_key;
    expect((await t.call('GET', `/v1/endpoints/${ep.id}`, other)).status).toBe(404);
    expect((await t.call('PATCH', `/v1/endpoints/${ep.id}`, other, { enabled: false })).status).toBe(404);
    expect((await t.call('DELETE', `/v1/endpoints/${ep.id}`, other)).status).toBe(404);
    expect((await t.call('GET', '/v1/endpoints', other)).body).toEqual({ data: [], next_cursor: null });
    expect((await t.call('GET', `/v1/endpoints/${ep.id}`, key)).body).toMatchObject({ enabled: true });
  });

  it('serves the event-type catalogue with a schema and an example per type', async () => {
    const res = await t.call('GET', '/v1/event-types', null);
    const body = res.body as {
      schema_version: string;
      data: Array<{ type: string; schema: object; example: object; description: string }>;
    };
    expect(body.schema_version).toBe('2026-09-01');
    expect(body.data.map((d) => d.type)).toHaveLength(10);
    for (const d of body.data) {
      expect(d.description.length).toBeGreaterThan(10);
      expect(d.schema).toHaveProperty('properties');
      // Each example is accepted by the publish route as is, but the two the platform produces itself.
      const res2 = await t.publish(key, d.type, d.example);
      const reserved = d.type === 'trial.ending' || d.type === 'usage.threshold';
      expect(res2.status, d.type).toBe(reserved ? 422 : 202);
      if (reserved) expect(res2.body).toMatchObject({ code: 'reserved_event_type' });
    }
  });

  it('health, readiness and metrics answer', async () => {
    expect((await t.call('GET', '/healthz', null)).status).toBe(200);
    expect((await t.call('GET', '/readyz', null)).body).toEqual({ status: 'ready' });
    const metrics = await t.platform.api!.inject({ method: 'GET', url: '/metrics' });
    expect(metrics.body).toContain('bookflow_events_published_total{type="meeting.booked"}');
    expect(metrics.body).toContain('bookflow_queue_depth{state="pending"}');
    expect(metrics.body).toContain('bookflow_dead_letter_depth');
    expect(metrics.body).toContain('bookflow_queue_oldest_due_age_seconds');
    expect((await t.call('GET', '/v1/nope', key)).body).toMatchObject({ code: 'route_not_found' });
  });
});
