import { sampleData } from '@bookflow/events';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BACKENDS, openTestDatabase, type TestDatabase } from '../support/databases.ts';
import { eventually, testPlatform } from '../support/platform.ts';
import { startReceiver, type TestReceiver } from '../support/receiver.ts';
import { openSse } from './sse-client.ts';

describe.each(BACKENDS)('live stream GET /v1/stream (%s)', (backend) => {
  let database: TestDatabase;
  let t: Awaited<ReturnType<typeof testPlatform>>;
  let receiver: TestReceiver;
  let base: string;

  beforeAll(async () => {
    database = await openTestDatabase(backend);
    t = await testPlatform(database.db, { streamPollMs: 100 });
    await t.platform.api!.listen({ port: 0, host: '127.0.0.1' });
    const address = t.platform.api!.server.address();
    base = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
    receiver = await startReceiver(() => ({ status: 200, body: 'ok' }));
  });
  afterAll(async () => {
    await t.platform.stop();
    await receiver.close();
    await database.close();
  });

  const data = () => sampleData('meeting.booked');
  const parsed = (events: { event: string; data: string }[], kind: string) =>
    events.filter((e) => e.event === kind).map((e) => JSON.parse(e.data) as Record<string, unknown>);

  it("streams the account's new deliveries and attempt results, and nothing of another account", async () => {
    const a = await t.createAccount();
    const b = await t.createAccount();
    const epA = await t.createEndpoint(a.api_key, receiver.url);
    await t.createEndpoint(b.api_key, receiver.url);
    const stream = await openSse(`${base}/v1/stream`, { authorization: `Bearer ${a.api_key}` });
    expect(stream.status).toBe(200);
    expect(stream.headers.get('content-type')).toMatch(/text\/event-stream/);

    const published = await t.publish(a.api_key, 'meeting.booked', data());
    await t.publish(b.api_key, 'meeting.booked', data());
    const eventId = (published.body as { id: string }).id;
    await eventually(async () => parsed(stream.events, 'attempt.finished').length >= 1);
    await stream.close();

    const created = parsed(stream.events, 'delivery.created');
    const attempts = parsed(stream.events, 'attempt.finished');
    expect(created.map((c) => c.event_id)).toEqual([eventId]);
    expect(created[0]!.endpoint_id).toBe(epA.id);
    expect(attempts).toHaveLength(1);
    expect(attempts[0]).toMatchObject({
      event_id: eventId,
      outcome: 'succeeded',
      status_code: 200,
      response_body: 'ok',
      status: 'succeeded',
    });
  });

  it('a reconnect with Last-Event-ID receives what happened while it was away', async () => {
    const a = await t.createAccount();
    await t.createEndpoint(a.api_key, receiver.url);
    const first = await openSse(`${base}/v1/stream`, { authorization: `Bearer ${a.api_key}` });
    await eventually(async () => first.lastId);
    const resumeFrom = first.lastId!;
    await first.close();

    const ids: string[] = [];
    for (let i = 0; i < 3; i++)
      ids.push(((await t.publish(a.api_key, 'meeting.booked', data())).body as { id: string }).id);
    const again = await openSse(`${base}/v1/stream`, {
      authorization: `Bearer ${a.api_key}`,
      'last-event-id': resumeFrom,
    });
    await eventually(async () => parsed(again.events, 'attempt.finished').length >= 3);
    await again.close();
    const created = new Set(parsed(again.events, 'delivery.created').map((c) => c.event_id));
    const attempted = new Set(parsed(again.events, 'attempt.finished').map((c) => c.event_id));
    expect([...created].sort()).toEqual([...ids].sort());
    expect([...attempted].sort()).toEqual([...ids].sort());
  });

  it('filters by event type and endpoint; refuses bad filters and missing credentials', async () => {
    const a = await t.createAccount();
    const booked = await t.createEndpoint(a.api_key, receiver.url, ['meeting.booked']);
    await t.createEndpoint(a.api_key, receiver.url, ['call.started']);
    const stream = await openSse(`${base}/v1/stream?endpoint_id=${booked.id}`, {
      authorization: `Bearer ${a.api_key}`,
    });
    await t.publish(a.api_key, 'call.started', sampleData('call.started'));
    await t.publish(a.api_key, 'meeting.booked', data());
    await eventually(async () => parsed(stream.events, 'attempt.finished').length >= 1);
    // Both events were published before the meeting.booked attempt was seen: call.started's would be here by now.
    await eventually(async () => {
      const n = await database.db.query(
        'select 1 from delivery_attempts a join deliveries d on d.id = a.delivery_id where d.account_id = $1',
        [a.id],
      );
      return n.rowCount >= 2;
    });
    // A few more polls of the stream after both attempts exist (they are 100 ms apart).
    await new Promise((r) => setTimeout(r, 1_000));
    await stream.close();
    expect(stream.events.every((e) => JSON.parse(e.data).endpoint_id === booked.id)).toBe(true);
    expect(stream.events.every((e) => JSON.parse(e.data).event_type === 'meeting.booked')).toBe(true);

    expect((await fetch(`${base}/v1/stream`)).status).toBe(401);
    const bad = await fetch(`${base}/v1/stream?event_type=nope`, {
      headers: { authorization: `Bearer ${a.api_key}` },
    });
    expect(bad.status).toBe(400);
  });

  it('a dashboard session cookie opens the stream too', async () => {
    const a = await t.createAccount();
    const signIn = await t.call('POST', '/v1/dashboard/sessions', null, { api_key: a.api_key });
    const cookie = String([signIn.headers['set-cookie']].flat()[0]).split(';')[0]!;
    const stream = await openSse(`${base}/v1/stream`, { cookie });
    expect(stream.status).toBe(200);
    await stream.close();
  });
});
