import { sampleData, verifyBookFlow, verifyStandard } from '@bookflow/events';
import { Webhook } from 'standardwebhooks';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { BACKENDS, openTestDatabase, type TestDatabase } from '../support/databases.ts';
import { eventually, testPlatform } from '../support/platform.ts';
import { startReceiver, type TestReceiver } from '../support/receiver.ts';

describe.each(BACKENDS)('publish and fan-out (%s)', (backend) => {
  let database: TestDatabase;
  let t: Awaited<ReturnType<typeof testPlatform>>;
  const receivers: TestReceiver[] = [];

  beforeEach(async () => {
    database = await openTestDatabase(backend);
    t = await testPlatform(database.db);
  });

  afterEach(async () => {
    await t.platform.stop();
    await Promise.all(receivers.splice(0).map((r) => r.close()));
    await database.close();
  });

  async function receiver() {
    const r = await startReceiver();
    receivers.push(r);
    return r;
  }

  it('delivers the signed envelope to every subscribed endpoint and nothing to the others', async () => {
    const account = await t.createAccount();
    const [a, b, other] = [await receiver(), await receiver(), await receiver()];
    const epA = await t.createEndpoint(account.api_key, a.url, ['meeting.booked', 'call.ended']);
    const epB = await t.createEndpoint(account.api_key, b.url, ['meeting.booked']);
    await t.createEndpoint(account.api_key, other.url, ['call.started']);

    const data = sampleData('meeting.booked', { seed: 7 });
    const res = await t.publish(account.api_key, 'meeting.booked', data);
    expect(res.status).toBe(202);
    const eventId = (res.body as { id: string }).id;

    await Promise.all([a.waitFor(1), b.waitFor(1)]);
    for (const [r, ep] of [
      [a, epA],
      [b, epB],
    ] as const) {
      const req = r.requests[0]!;
      const envelope = JSON.parse(req.body);
      expect(envelope).toEqual({
        id: eventId,
        type: 'meeting.booked',
        created_at: expect.any(String),
        account_id: account.id,
        schema_version: '2026-09-01',
        data,
      });
      expect(req.headers['content-type']).toBe('application/json');
      expect(req.headers['x-bookflow-event-id']).toBe(eventId);
      expect(req.headers['x-bookflow-event-type']).toBe('meeting.booked');
      expect(req.headers['x-bookflow-schema-version']).toBe('2026-09-01');
      expect(req.headers['x-bookflow-attempt']).toBe('1');
      expect(new Date(req.headers['x-bookflow-delivered-at'] as string).getTime()).toBeGreaterThan(0);
      expect(req.headers['webhook-id']).toBe(eventId);
      // Our verifier, both schemes, and the reference Standard Webhooks package.
      expect(verifyStandard({ headers: req.headers, body: req.body, secrets: [ep.secret] }).id).toBe(eventId);
      verifyBookFlow({ headers: req.headers, body: req.body, secrets: [ep.secret] });
      const verified = new Webhook(ep.secret).verify(req.body, req.headers as Record<string, string>);
      expect(verified).toEqual(envelope);
      expect(() =>
        new Webhook(epA === ep ? epB.secret : epA.secret).verify(
          req.body,
          req.headers as Record<string, string>,
        ),
      ).toThrow();
    }
    await new Promise((r) => setTimeout(r, 200));
    expect(other.requests).toHaveLength(0);
    expect(a.requests).toHaveLength(1);

    // Logs carry the ids and never a secret or key.
    await eventually(async () => t.logs.lines.some((l) => l.includes(eventId) && l.includes('delivery_id')));
    const logText = t.logs.lines.join('\n');
    for (const secret of [epA.secret, epB.secret, account.api_key]) expect(logText).not.toContain(secret);
    const metrics = await t.platform.api!.inject({ method: 'GET', url: '/metrics' });
    expect(metrics.body).toContain(
      'bookflow_delivery_attempts_total{outcome="succeeded",status_class="2xx"} 2',
    );
    expect(metrics.body).toContain('bookflow_delivery_first_attempt_latency_seconds_count 2');

    const deliveries = await t.call('GET', `/v1/events/${eventId}/deliveries`, account.api_key);
    const list = (
      deliveries.body as { data: Array<{ status: string; attempts: Array<{ status_code: number }> }> }
    ).data;
    expect(list).toHaveLength(2);
    await eventually(async () => {
      const again = await t.call('GET', `/v1/events/${eventId}/deliveries`, account.api_key);
      const rows = (again.body as { data: Array<{ status: string; attempts: unknown[] }> }).data;
      return rows.every((d) => d.status === 'succeeded' && d.attempts.length === 1);
    });
  });

  it('an event type nobody subscribed to is accepted and delivered nowhere', async () => {
    const account = await t.createAccount();
    const r = await receiver();
    await t.createEndpoint(account.api_key, r.url, ['meeting.booked']);
    const res = await t.publish(account.api_key, 'call.started', sampleData('call.started', { seed: 1 }));
    expect(res.status).toBe(202);
    const deliveries = await t.call(
      'GET',
      `/v1/events/${(res.body as { id: string }).id}/deliveries`,
      account.api_key,
    );
    expect((deliveries.body as { data: unknown[] }).data).toEqual([]);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(r.requests).toHaveLength(0);
  });

  it('another account never receives or sees the event', async () => {
    const alice = await t.createAccount();
    const bob = await t.createAccount();
    const ra = await receiver();
    const rb = await receiver();
    await t.createEndpoint(alice.api_key, ra.url);
    await t.createEndpoint(bob.api_key, rb.url);
    const res = await t.publish(alice.api_key, 'meeting.booked', sampleData('meeting.booked'));
    const id = (res.body as { id: string }).id;
    await ra.waitFor(1);
    expect(rb.requests).toHaveLength(0);
    expect((await t.call('GET', `/v1/events/${id}`, bob.api_key)).status).toBe(404);
    expect((await t.call('GET', `/v1/events/${id}/deliveries`, bob.api_key)).status).toBe(404);
    expect((await t.call('GET', `/v1/events/${id}`, alice.api_key)).status).toBe(200);
  });
});
