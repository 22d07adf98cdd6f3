import { sampleData } from '@bookflow/events';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { getEndpointHealth, setEndpointLimits } from '../../src/endpoints/limits.ts';
import { BACKENDS, openTestDatabase, type TestDatabase } from '../support/databases.ts';
import { eventually, testPlatform } from '../support/platform.ts';
import { startReceiver, type TestReceiver } from '../support/receiver.ts';

type EndpointBody = { enabled: boolean; disabled_reason: string | null };

describe.each(BACKENDS)('automatic disabling of a failing endpoint (%s)', (backend) => {
  let database: TestDatabase;
  let t: Awaited<ReturnType<typeof testPlatform>>;
  let slack: TestReceiver;
  let endpoint: TestReceiver;
  let healthy: boolean;

  beforeEach(async () => {
    healthy = false;
    database = await openTestDatabase(backend);
    slack = await startReceiver(() => ({ status: 200, body: 'ok' }));
    endpoint = await startReceiver(() => (healthy ? { status: 200 } : { status: 500, body: 'down' }));
    // The five days shrunk to 300 ms; retries every 100 ms, so the fourth or fifth attempt crosses it.
    t = await testPlatform(database.db, {
      endpointDisableAfterMs: 300,
      retryScheduleMs: [100, 100, 100, 100, 100, 100],
      pollIntervalMs: 50,
    });
  });

  afterEach(async () => {
    await t.platform.stop();
    await Promise.all([slack.close(), endpoint.close()]);
    await database.close();
  });

  async function statuses(endpointId: string): Promise<Record<string, number>> {
    const { rows } = await database.db.query<{ status: string; n: number }>(
      'select status, count(*)::int as n from deliveries where endpoint_id = $1 group by status',
      [endpointId],
    );
    return Object.fromEntries(rows.map((r) => [r.status, r.n]));
  }

  it('disables it (reason failing), holds its deliveries, notifies Slack once; enabling releases all in order', async () => {
    const account = await t.createAccount({ slack_webhook_url: slack.url });
    const ep = await t.createEndpoint(account.api_key, endpoint.url);
    // One at a time, so the order in which held deliveries go out is visible at the endpoint.
    await setEndpointLimits(database.db, account.id, ep.id, { max_concurrency: 1 });
    const publish = async (seed: number) => {
      const res = await t.publish(account.api_key, 'meeting.booked', sampleData('meeting.booked', { seed }));
      return (res.body as { id: string }).id;
    };
    const ids = [await publish(1), await publish(2), await publish(3)];

    const disabled = await eventually(async () => {
      const res = await t.call('GET', `/v1/endpoints/${ep.id}`, account.api_key);
      const body = res.body as EndpointBody;
      return body.enabled ? null : body;
    });
    expect(disabled.disabled_reason).toBe('failing');
    // Deliveries in flight at that moment are held as they are recorded; none is dead or lost.
    await eventually(async () => (await statuses(ep.id)).held === 3);

    // New events for the disabled endpoint are held, not sent.
    ids.push(await publish(4), await publish(5));
    expect(await statuses(ep.id)).toEqual({ held: 5 });
    const seen = endpoint.requests.length;
    await new Promise((r) => setTimeout(r, 300));
    expect(endpoint.requests).toHaveLength(seen);
    // Every attempt so far failed; none counted beyond what was actually sent.
    const { rows } = await database.db.query<{ outcome: string; n: number }>(
      `select a.outcome, count(*)::int as n from delivery_attempts a join deliveries d on d.id = a.delivery_id
        where d.endpoint_id = $1 group by a.outcome`,
      [ep.id],
    );
    expect(rows).toEqual([{ outcome: 'failed', n: seen }]);

    await slack.waitFor(1);
    const notice = JSON.parse(slack.requests[0]!.body) as { text: string };
    expect(notice.text).toContain('Webhook endpoint disabled');
    expect(notice.text).toContain(endpoint.url);
    expect(notice.text).toContain('every attempt has failed for');
    expect(slack.requests[0]!.body).toContain(ep.id);

    healthy = true;
    const enabled = await t.call('PATCH', `/v1/endpoints/${ep.id}`, account.api_key, { enabled: true });
    expect(enabled.status).toBe(200);
    expect((enabled.body as EndpointBody).enabled).toBe(true);
    await endpoint.waitFor(seen + 5);
    // Released in creation order, each delivered once.
    expect(endpoint.requests.slice(seen).map((r) => r.headers['x-bookflow-event-id'])).toEqual(ids);
    await eventually(async () => (await statuses(ep.id)).succeeded === 5);
    expect((await getEndpointHealth(database.db, account.id, ep.id))?.failing_since).toBeNull();
    // One notice for one disabling, although several attempts saw the threshold crossed.
    expect(slack.requests).toHaveLength(1);
  });

  it('a success ends the failure run, so intermittent failures never disable', async () => {
    const account = await t.createAccount({ slack_webhook_url: slack.url });
    let n = 0;
    const flaky = await startReceiver(() => (n++ % 2 === 0 ? { status: 500 } : { status: 200 }));
    try {
      const ep = await t.createEndpoint(account.api_key, flaky.url);
      await setEndpointLimits(database.db, account.id, ep.id, { max_concurrency: 1 });
      for (let i = 0; i < 6; i++) {
        await t.publish(account.api_key, 'meeting.booked', sampleData('meeting.booked', { seed: i }));
        await new Promise((r) => setTimeout(r, 100));
      }
      await eventually(async () => (await statuses(ep.id)).succeeded === 6);
      const res = await t.call('GET', `/v1/endpoints/${ep.id}`, account.api_key);
      expect((res.body as EndpointBody).enabled).toBe(true);
      expect(slack.requests).toHaveLength(0);
    } finally {
      await flaky.close();
    }
  });

  it('failing_since is set by the first failure and cleared by the next success', async () => {
    const account = await t.createAccount();
    const ep = await t.createEndpoint(account.api_key, endpoint.url);
    await t.publish(account.api_key, 'meeting.booked', sampleData('meeting.booked'));
    await endpoint.waitFor(1);
    const failing = await eventually(
      async () => (await getEndpointHealth(database.db, account.id, ep.id))?.failing_since,
    );
    healthy = true;
    await eventually(async () => (await statuses(ep.id)).succeeded === 1);
    expect((await getEndpointHealth(database.db, account.id, ep.id))?.failing_since).toBeNull();
    expect(failing).toBeInstanceOf(Date);
  });
});
