import { sampleData } from '@bookflow/events';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { BACKENDS, openTestDatabase, type TestDatabase } from '../support/databases.ts';
import { eventually, testPlatform } from '../support/platform.ts';
import { startReceiver, type TestReceiver } from '../support/receiver.ts';

type Delivery = {
  id: string;
  status: string;
  series: number;
  trigger: string;
  attempt_count: number;
  attempts: Array<{ series: number; attempt: number; trigger: string; outcome: string }>;
};

describe.each(BACKENDS)('dead letter, notifications and replay (%s)', (backend) => {
  let database: TestDatabase;
  let t: Awaited<ReturnType<typeof testPlatform>>;
  let slack: TestReceiver;
  let pagerduty: TestReceiver;
  let healthy = false;
  let endpoint: TestReceiver;

  beforeEach(async () => {
    healthy = false;
    database = await openTestDatabase(backend);
    slack = await startReceiver(() => ({ status: 200, body: 'ok' }));
    pagerduty = await startReceiver(() => ({
      status: 202,
      body: '{"status":"success","message":"Event processed"}',
    }));
    endpoint = await startReceiver(() =>
      healthy ? { status: 200 } : { status: 503, body: 'down for maintenance' },
    );
    t = await testPlatform(database.db, {
      retryScheduleMs: [20, 20, 20, 20, 20, 20],
      pagerdutyEventsUrl: pagerduty.url,
      pollIntervalMs: 50,
    });
  });

  afterEach(async () => {
    await t.platform.stop();
    await Promise.all([slack.close(), pagerduty.close(), endpoint.close()]);
    await database.close();
  });

  async function deliveriesOf(key: string, eventId: string): Promise<Delivery[]> {
    const res = await t.call('GET', `/v1/events/${eventId}/deliveries`, key);
    return (res.body as { data: Delivery[] }).data;
  }

  it('seven failures dead-letter, notify Slack and PagerDuty; a replay delivers and keeps the history', async () => {
    const account = await t.createAccount({
      slack_webhook_url: slack.url,
      pagerduty_routing_key: 'R0UTINGKEY123',
    });
    const ep = await t.createEndpoint(account.api_key, endpoint.url);
    const res = await t.publish(account.api_key, 'meeting.booked', sampleData('meeting.booked'));
    const eventId = (res.body as { id: string }).id;

    await endpoint.waitFor(7);
    const [dead] = await eventually(async () => {
      const d = await deliveriesOf(account.api_key, eventId);
      return d[0]?.status === 'dead' ? d : null;
    });
    expect(dead!.attempt_count).toBe(7);
    expect(dead!.attempts.map((a) => a.attempt)).toEqual([1, 2, 3, 4, 5, 6, 7]);
    await new Promise((r) => setTimeout(r, 200));
    expect(endpoint.requests).toHaveLength(7);

    await Promise.all([slack.waitFor(1), pagerduty.waitFor(1)]);
    const slackText = slack.requests[0]!.body;
    expect(slackText).toContain('meeting.booked');
    expect(slackText).toContain(dead!.id);
    const pd = JSON.parse(pagerduty.requests[0]!.body);
    expect(pd.routing_key).toBe('R0UTINGKEY123');
    expect(pd.event_action).toBe('trigger');
    expect(pd.dedup_key).toContain(dead!.id);
    expect(pd.payload.summary).toContain('meeting.booked');

    const dlq = await t.call('GET', `/v1/deliveries?status=dead&endpoint_id=${ep.id}`, account.api_key);
    expect((dlq.body as { data: Array<{ id: string }> }).data.map((d) => d.id)).toEqual([dead!.id]);

    healthy = true;
    const replay = await t.call('POST', `/v1/deliveries/${dead!.id}/replay`, account.api_key);
    expect(replay.status).toBe(202);
    await endpoint.waitFor(8);
    expect(endpoint.requests[7]!.headers['x-bookflow-attempt']).toBe('1');
    const [done] = await eventually(async () => {
      const d = await deliveriesOf(account.api_key, eventId);
      return d[0]?.status === 'succeeded' ? d : null;
    });
    expect(done!.series).toBe(2);
    expect(done!.trigger).toBe('manual');
    expect(done!.attempts).toHaveLength(8);
    expect(done!.attempts.at(-1)).toMatchObject({
      series: 2,
      attempt: 1,
      trigger: 'manual',
      outcome: 'succeeded',
    });
    expect(done!.attempts[0]).toMatchObject({ series: 1, attempt: 1, trigger: 'publish', outcome: 'failed' });

    // Replaying something still in flight or unknown is refused clearly.
    expect(
      (await t.call('POST', '/v1/deliveries/00000000-0000-4000-8000-000000000000/replay', account.api_key))
        .status,
    ).toBe(404);
  });

  it('bulk replay by endpoint and time range queues only the matching dead deliveries', async () => {
    const account = await t.createAccount();
    const other = await startReceiver(() => (healthy ? { status: 200 } : { status: 500 }));
    try {
      const ep1 = await t.createEndpoint(account.api_key, endpoint.url);
      await t.createEndpoint(account.api_key, other.url);
      const ids: string[] = [];
      for (let i = 0; i < 3; i++) {
        const res = await t.publish(
          account.api_key,
          'meeting.booked',
          sampleData('meeting.booked', { seed: i }),
        );
        ids.push((res.body as { id: string }).id);
        await new Promise((r) => setTimeout(r, 5)); // distinct creation times for the range filter
      }
      await eventually(async () => {
        const res = await t.call('GET', '/v1/deliveries?status=dead&limit=100', account.api_key);
        return (res.body as { data: unknown[] }).data.length === 6;
      });
      const firstCreated = await t.call('GET', `/v1/events/${ids[0]}`, account.api_key);
      const since = (firstCreated.body as { created_at: string }).created_at;
      const lastCreated = await t.call('GET', `/v1/events/${ids[2]}`, account.api_key);
      const until = (lastCreated.body as { created_at: string }).created_at;

      healthy = true;
      const before = endpoint.requests.length;
      // [since, until) covers the first two events, on endpoint 1 only.
      const bulk = await t.call('POST', '/v1/deliveries/replay', account.api_key, {
        endpoint_id: ep1.id,
        since,
        until,
      });
      expect(bulk.status).toBe(202);
      expect(bulk.body).toEqual({ queued: 2, has_more: false });
      await endpoint.waitFor(before + 2);
      await new Promise((r) => setTimeout(r, 300));
      expect(endpoint.requests.length).toBe(before + 2);
      const replayedIds = endpoint.requests.slice(before).map((q) => q.headers['x-bookflow-event-id']);
      expect(new Set(replayedIds)).toEqual(new Set(ids.slice(0, 2)));
      const stillDead = await t.call('GET', '/v1/deliveries?status=dead&limit=100', account.api_key);
      expect((stillDead.body as { data: unknown[] }).data).toHaveLength(4);
    } finally {
      await other.close();
    }
  });
});
