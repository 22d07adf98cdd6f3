import { catalogue } from '@bookflow/events';
import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BACKENDS, openTestDatabase, type TestDatabase } from '../support/databases.ts';
import { fingerprint } from '../support/fingerprint.ts';
import { eventually, testPlatform } from '../support/platform.ts';
import { startReceiver, type TestReceiver } from '../support/receiver.ts';

interface Sent {
  event_id: string;
  delivery_id: string;
}

describe.each(BACKENDS)('send a test event (%s)', (backend) => {
  let database: TestDatabase;
  let t: Awaited<ReturnType<typeof testPlatform>>;
  let target: TestReceiver;
  let bystander: TestReceiver;
  let account: { id: string; api_key: string };
  let endpoint: { id: string; secret: string };
  let other: { id: string; api_key: string };

  beforeAll(async () => {
    database = await openTestDatabase(backend);
    // The first attempt at the target fails, so the test event shows it is retried like any other.
    target = await startReceiver((_req, index) => ({ status: index === 0 ? 503 : 204 }));
    bystander = await startReceiver();
    t = await testPlatform(database.db);
    account = await t.createAccount({ name: 'Acme' });
    other = await t.createAccount({ name: 'Other' });
    endpoint = await t.createEndpoint(account.api_key, target.url, ['meeting.booked', 'call.ended']);
    await t.createEndpoint(account.api_key, bystander.url, ['meeting.booked', 'call.ended']);
  });

  afterAll(async () => {
    await t.platform.stop();
    await target.close();
    await bystander.close();
    await database.close();
  });

  it('sends the catalogue example, signed and marked test, to that endpoint only, retried and logged', async () => {
    const res = await t.call('POST', `/v1/endpoints/${endpoint.id}/test`, account.api_key, {
      type: 'meeting.booked',
    });
    expect(res.status).toBe(202);
    const sent = res.body as Sent;
    expect(res.body).toEqual({
      event_id: expect.any(String),
      delivery_id: expect.any(String),
      endpoint_id: endpoint.id,
      type: 'meeting.booked',
      test: true,
    });

    // Readable at once, before any attempt.
    const first = await t.call('GET', `/v1/deliveries/${sent.delivery_id}`, account.api_key);
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({
      id: sent.delivery_id,
      event_id: sent.event_id,
      endpoint_id: endpoint.id,
    });

    const done = await eventually(async () => {
      const d = await t.call('GET', `/v1/deliveries/${sent.delivery_id}`, account.api_key);
      return (d.body as { status: string }).status === 'succeeded' ? d.body : null;
    });
    expect(done).toMatchObject({ status: 'succeeded', attempt_count: 2, event_type: 'meeting.booked' });
    expect((done as { attempts: Array<{ status_code: number }> }).attempts.map((a) => a.status_code)).toEqual(
      [503, 204],
    );

    expect(target.requests).toHaveLength(2);
    const req = target.requests[1]!;
    const envelope = JSON.parse(req.body);
    expect(envelope).toEqual({
      id: sent.event_id,
      type: 'meeting.booked',
      created_at: expect.any(String),
      account_id: account.id,
      schema_version: expect.any(String),
      test: true,
      data: catalogue['meeting.booked'].example,
    });
    expect(req.headers['x-bookflow-event-id']).toBe(sent.event_id);
    expect(req.headers['x-bookflow-attempt']).toBe('2');
    // Any Standard Webhooks verifier accepts it: it is signed like every delivery.
    const verified = new Webhook(endpoint.secret).verify(req.body, {
      'webhook-id': req.headers['webhook-id'] as string,
      'webhook-timestamp': req.headers['webhook-timestamp'] as string,
      'webhook-signature': req.headers['webhook-signature'] as string,
    });
    expect(verified).toMatchObject({ id: sent.event_id, test: true });

    // The event is in the log like any other, and no other endpoint got it.
    const ofEvent = await t.call('GET', `/v1/events/${sent.event_id}/deliveries`, account.api_key);
    expect((ofEvent.body as { data: Array<{ endpoint_id: string }> }).data.map((d) => d.endpoint_id)).toEqual(
      [endpoint.id],
    );
    expect(bystander.requests).toHaveLength(0);
  });

  it('refuses a type the endpoint does not subscribe to, an unknown type, and a disabled endpoint, writing nothing', async () => {
    const before = await fingerprint(database.db);
    const unsubscribed = await t.call('POST', `/v1/endpoints/${endpoint.id}/test`, account.api_key, {
      type: 'lead.disqualified',
    });
    expect(unsubscribed.status).toBe(422);
    expect(unsubscribed.body).toMatchObject({
      code: 'endpoint_not_subscribed',
      event_types: ['meeting.booked', 'call.ended'],
    });
    const unknown = await t.call('POST', `/v1/endpoints/${endpoint.id}/test`, account.api_key, {
      type: 'meeting.exploded',
    });
    expect(unknown.status).toBe(422);
    expect(unknown.body).toMatchObject({ code: 'unknown_event_type' });
    const noType = await t.call('POST', `/v1/endpoints/${endpoint.id}/test`, account.api_key, {});
    expect(noType.body).toMatchObject({ code: 'validation_failed' });
    expect(await fingerprint(database.db)).toEqual(before);

    const disabled = await t.createEndpoint(account.api_key, bystander.url, ['call.ended']);
    await t.call('PATCH', `/v1/endpoints/${disabled.id}`, account.api_key, { enabled: false });
    const held = await t.call('POST', `/v1/endpoints/${disabled.id}/test`, account.api_key, {
      type: 'call.ended',
    });
    expect(held.status).toBe(409);
    expect(held.body).toMatchObject({ code: 'endpoint_disabled' });
  });

  it("answers another account's endpoint exactly like an unknown one", async () => {
    const before = await fingerprint(database.db);
    const theirs = await t.call('POST', `/v1/endpoints/${endpoint.id}/test`, other.api_key, {
      type: 'meeting.booked',
    });
    const none = await t.call('POST', '/v1/endpoints/ep_AAAAAAAAAAAAAAAA/test', other.api_key, {
      type: 'meeting.booked',
    });
    expect(theirs.status).toBe(404);
    expect(none.status).toBe(404);
    const { instance: _a, ...a } = theirs.body as Record<string, unknown>;
    const { instance: _b, ...b } = none.body as Record<string, unknown>;
    expect(a).toEqual(b);
    expect(await fingerprint(database.db)).toEqual(before);
  });

  it('sends each subscribed type, each one delivered once to the target', async () => {
    const count = target.requests.length;
    const res = await t.call('POST', `/v1/endpoints/${endpoint.id}/test`, account.api_key, {
      type: 'call.ended',
    });
    expect(res.status).toBe(202);
    await target.waitFor(count + 1);
    const envelope = JSON.parse(target.requests[count]!.body);
    expect(envelope).toMatchObject({ type: 'call.ended', test: true, data: catalogue['call.ended'].example });
  });
});
