import { sampleData } from '@bookflow/events';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { purgeExpired } from '../../src/retention/purge.ts';
import { BACKENDS, openTestDatabase, type TestDatabase } from '../support/databases.ts';
import { eventually, testPlatform } from '../support/platform.ts';
import { startReceiver, type TestReceiver } from '../support/receiver.ts';

const DAY = 86_400_000;

describe.each(BACKENDS)('retention and erasure (%s)', (backend) => {
  let database: TestDatabase;
  let t: Awaited<ReturnType<typeof testPlatform>>;
  let receiver: TestReceiver;

  beforeEach(async () => {
    database = await openTestDatabase(backend);
    t = await testPlatform(database.db);
    receiver = await startReceiver(() => ({ status: 200, body: 'thanks' }));
  });

  afterEach(async () => {
    await t.platform.stop();
    await receiver.close();
    await database.close();
  });

  async function publish(key: string, seed: number) {
    const res = await t.publish(key, 'meeting.booked', sampleData('meeting.booked', { seed }));
    return (res.body as { id: string }).id;
  }

  it('purges payloads and response bodies past the retention period, keeping the audit rows', async () => {
    const account = await t.createAccount();
    const ep = await t.createEndpoint(account.api_key, receiver.url);
    const old = await publish(account.api_key, 1);
    const recent = await publish(account.api_key, 2);
    await receiver.waitFor(2);
    await eventually(async () => {
      const { rows } = await database.db.query<{ n: number }>(
        `select count(*)::int as n from delivery_attempts`,
      );
      return rows[0]!.n === 2;
    });
    // A third event waits, held, for a disabled endpoint: its payload must survive the purge.
    await t.call('PATCH', `/v1/endpoints/${ep.id}`, account.api_key, { enabled: false });
    const held = await publish(account.api_key, 3);
    await database.db.query(
      `update events set created_at = now() - interval '40 days' where id = any ($1::uuid[])`,
      [[old, held]],
    );
    await database.db.query(
      `update delivery_attempts set started_at = now() - interval '40 days'
        where delivery_id in (select id from deliveries where event_id = $1)`,
      [old],
    );

    expect(await purgeExpired(database.db, 30 * DAY)).toEqual({ events: 1, attempts: 1, secrets: 0 });
    const oldEvent = await t.call('GET', `/v1/events/${old}`, account.api_key);
    expect(oldEvent.body).toMatchObject({
      id: old,
      type: 'meeting.booked',
      data: null,
      erased_at: expect.any(String),
    });
    const oldDeliveries = await t.call('GET', `/v1/events/${old}/deliveries`, account.api_key);
    const d = (
      oldDeliveries.body as {
        data: Array<{
          status: string;
          attempts: Array<{ response_body: string | null; status_code: number }>;
        }>;
      }
    ).data[0]!;
    expect(d.status).toBe('succeeded');
    expect(d.attempts[0]).toMatchObject({ response_body: null, status_code: 200 });
    expect((await t.call('GET', `/v1/events/${recent}`, account.api_key)).body).toMatchObject({
      data: expect.any(Object),
    });
    expect((await t.call('GET', `/v1/events/${held}`, account.api_key)).body).toMatchObject({
      data: expect.any(Object),
    });
    // Running again finds nothing more.
    expect(await purgeExpired(database.db, 30 * DAY)).toEqual({ events: 0, attempts: 0, secrets: 0 });
  });

  it('DELETE /v1/events/{id} erases the payload on request; undelivered deliveries end, replay is refused', async () => {
    const account = await t.createAccount();
    const ep = await t.createEndpoint(account.api_key, receiver.url);
    await t.call('PATCH', `/v1/endpoints/${ep.id}`, account.api_key, { enabled: false });
    const id = await publish(account.api_key, 4);
    const other = await t.createAccount();
    expect((await t.call('DELETE', `/v1/events/${id}`, other.api_key)).status).toBe(404);

    expect((await t.call('DELETE', `/v1/events/${id}`, account.api_key)).status).toBe(204);
    const event = await t.call('GET', `/v1/events/${id}`, account.api_key);
    expect(event.body).toMatchObject({ id, data: null });
    const { rows } = await database.db.query<{ body: string | null; erasure_reason: string }>(
      'select body, erasure_reason from events where id = $1',
      [id],
    );
    expect(rows[0]).toEqual({ body: null, erasure_reason: 'request' });
    const deliveries = await t.call('GET', `/v1/events/${id}/deliveries`, account.api_key);
    const delivery = (deliveries.body as { data: Array<{ id: string; status: string; last_error: string }> })
      .data[0]!;
    expect(delivery).toMatchObject({ status: 'dead', last_error: 'event payload erased on request' });

    await t.call('PATCH', `/v1/endpoints/${ep.id}`, account.api_key, { enabled: true });
    const replay = await t.call('POST', `/v1/deliveries/${delivery.id}/replay`, account.api_key);
    expect(replay.status).toBe(409);
    expect((replay.body as { code: string }).code).toBe('event_erased');
    const bulk = await t.call('POST', '/v1/deliveries/replay', account.api_key, {});
    expect(bulk.body).toEqual({ queued: 0, has_more: false });
    await new Promise((r) => setTimeout(r, 200));
    expect(receiver.requests).toHaveLength(0);
  });
});
