import { sampleData } from '@bookflow/events';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BACKENDS, openTestDatabase, type TestDatabase } from '../support/databases.ts';
import { testPlatform } from '../support/platform.ts';

async function counts(database: TestDatabase) {
  const { rows } = await database.db.query<{ events: number; deliveries: number }>(
    'select (select count(*)::int from events) as events, (select count(*)::int from deliveries) as deliveries',
  );
  return rows[0]!;
}

describe.each(BACKENDS)('POST /v1/events (%s)', (backend) => {
  let database: TestDatabase;
  let t: Awaited<ReturnType<typeof testPlatform>>;
  let key: string;

  beforeAll(async () => {
    database = await openTestDatabase(backend);
    t = await testPlatform(database.db, { roles: ['api'], maxPayloadBytes: 64 * 1024 });
    key = (await t.createAccount()).api_key;
    await t.createEndpoint(key, 'http://127.0.0.1:9/hook', ['meeting.booked']);
  });

  afterAll(async () => {
    await t.platform.stop();
    await database.close();
  });

  it('commits the event and one delivery per subscribed endpoint before answering 202', async () => {
    const before = await counts(database);
    const res = await t.publish(key, 'meeting.booked', sampleData('meeting.booked'));
    expect(res.status).toBe(202);
    expect(res.body).toEqual({ id: expect.stringMatching(/^[0-9a-f-]{36}$/) });
    const after = await counts(database);
    expect(after).toEqual({ events: before.events + 1, deliveries: before.deliveries + 1 });
  });

  it('Idempotency-Key repeats create one event and return the first answer', async () => {
    const before = await counts(database);
    const data = sampleData('meeting.booked', { seed: 99 });
    const headers = { 'idempotency-key': 'call-123-booked' };
    const answers = await Promise.all(
      Array.from({ length: 5 }, () => t.publish(key, 'meeting.booked', data, headers)),
    );
    expect(answers.map((a) => a.status)).toEqual([202, 202, 202, 202, 202]);
    expect(new Set(answers.map((a) => (a.body as { id: string }).id)).size).toBe(1);
    const again = await t.publish(key, 'meeting.booked', data, headers);
    expect(again.body).toEqual(answers[0]!.body);
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(await counts(database)).toEqual({ events: before.events + 1, deliveries: before.deliveries + 1 });

    const reused = await t.publish(
      key,
      'meeting.booked',
      sampleData('meeting.booked', { seed: 100 }),
      headers,
    );
    expect(reused.status).toBe(422);
    expect((reused.body as { code: string }).code).toBe('idempotency_key_reused');
  });

  it('concurrent publishes share commits; one bad repeat in a batch fails alone', async () => {
    const before = await counts(database);
    await t.publish(key, 'call.started', sampleData('call.started', { seed: 1 }), {
      'idempotency-key': 'batch-key',
    });
    const sends = Array.from({ length: 40 }, (_, i) =>
      i === 20
        ? t.publish(key, 'call.started', sampleData('call.started', { seed: 2 }), {
            'idempotency-key': 'batch-key',
          })
        : t.publish(key, 'meeting.booked', sampleData('meeting.booked', { seed: 1000 + i })),
    );
    const answers = await Promise.all(sends);
    expect(answers.filter((a) => a.status === 202)).toHaveLength(39);
    expect(answers[20]!.status).toBe(422);
    expect(
      new Set(answers.filter((a) => a.status === 202).map((a) => (a.body as { id: string }).id)).size,
    ).toBe(39);
    // 1 keyed event + 39 meeting.booked, each with its one delivery (only meeting.booked is subscribed).
    expect(await counts(database)).toEqual({
      events: before.events + 40,
      deliveries: before.deliveries + 39,
    });
  });

  it('the same Idempotency-Key in another account is a different event', async () => {
    const other = (await t.createAccount()).api_key;
    const data = sampleData('call.started', { seed: 5 });
    const a = await t.publish(key, 'call.started', data, { 'idempotency-key': 'shared-key' });
    const b = await t.publish(other, 'call.started', data, { 'idempotency-key': 'shared-key' });
    expect((a.body as { id: string }).id).not.toBe((b.body as { id: string }).id);
  });

  const bad: Array<
    [
      string,
      () => Promise<{ status: number; body: unknown; headers: Record<string, unknown> }>,
      number,
      string,
    ]
  > = [
    ['an unknown type', () => t.publish(key, 'meeting.exploded', {}), 422, 'unknown_event_type'],
    [
      'data that breaks the schema',
      () => t.publish(key, 'meeting.booked', { call_id: 42 }),
      422,
      'invalid_event_data',
    ],
    [
      'a wrong enum value',
      () => t.publish(key, 'call.ended', { ...sampleData('call.ended'), outcome: 'exploded' }),
      422,
      'invalid_event_data',
    ],
    [
      'a missing data field',
      () => t.call('POST', '/v1/events', key, { type: 'meeting.booked' }),
      400,
      'validation_failed',
    ],
    [
      'data that is not an object',
      () => t.call('POST', '/v1/events', key, { type: 'meeting.booked', data: 'x' }),
      400,
      'validation_failed',
    ],
    [
      'an unknown top-level field',
      () => t.call('POST', '/v1/events', key, { type: 'meeting.booked', data: {}, extra: 1 }),
      400,
      'validation_failed',
    ],
    [
      'malformed JSON',
      () =>
        t.call('POST', '/v1/events', key, '{"type": "meeting.booked", ', {
          'content-type': 'application/json',
        }),
      400,
      'malformed_json',
    ],
    [
      'a non-JSON content type',
      () =>
        t.call('POST', '/v1/events', key, 'type=meeting.booked', {
          'content-type': 'application/x-www-form-urlencoded',
        }),
      415,
      'unsupported_media_type',
    ],
    [
      'an oversize body',
      () =>
        t.publish(key, 'meeting.booked', { ...sampleData('meeting.booked'), summary: 'x'.repeat(70 * 1024) }),
      413,
      'payload_too_large',
    ],
    [
      'no credentials',
      () => t.call('POST', '/v1/events', null, { type: 'meeting.booked', data: {} }),
      401,
      'unauthorized',
    ],
    [
      'a wrong API key',
      () => t.call('POST', '/v1/events', 'bfk_nope', { type: 'meeting.booked', data: {} }),
      401,
      'unauthorized',
    ],
  ];

  it.each(bad)(
    '%s gets a problem+json with a stable code and writes nothing',
    async (_name, send, status, code) => {
      const before = await counts(database);
      const res = await send();
      expect(res.status).toBe(status);
      expect(res.headers['content-type']).toContain('application/problem+json');
      expect(res.body).toMatchObject({
        status,
        code,
        type: `https://bookflow.dev/errors/${code}`,
        title: expect.any(String),
      });
      expect(await counts(database)).toEqual(before);
    },
  );
});
