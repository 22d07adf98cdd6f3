import { sampleData } from '@bookflow/events';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { BACKENDS, openTestDatabase, type TestDatabase } from '../support/databases.ts';
import { eventually, testPlatform } from '../support/platform.ts';
import { startReceiver, type TestReceiver } from '../support/receiver.ts';

/** The value of one exact series line (`name{labels} value`) in a /metrics answer, or undefined. */
function sample(text: string, series: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

// The metrics the operator dashboards and alert rules in observability/ need beyond the original set.
describe.each(BACKENDS)('operator metrics (%s)', (backend) => {
  let database: TestDatabase;
  let t: Awaited<ReturnType<typeof testPlatform>>;
  let ok: TestReceiver;
  let down: TestReceiver;

  beforeEach(async () => {
    database = await openTestDatabase(backend);
    ok = await startReceiver(() => ({ status: 200 }));
    down = await startReceiver(() => ({ status: 503, body: 'down' }));
    // A retry a minute away: the failing endpoint's deliveries stay pending after their first attempt.
    t = await testPlatform(database.db, { retryScheduleMs: [60_000, 60_000], metricsPerEndpoint: true });
  });

  afterEach(async () => {
    await t.platform.stop();
    await Promise.all([ok.close(), down.close()]);
    await database.close();
  });

  const metrics = async () => (await t.platform.api!.inject({ method: 'GET', url: '/metrics' })).body;

  it('reports publish latency, endpoints by state, the failing and backed-up endpoints, and worker claims', async () => {
    const account = await t.createAccount();
    const healthy = await t.createEndpoint(account.api_key, ok.url);
    const failing = await t.createEndpoint(account.api_key, down.url);
    const paused = await t.createEndpoint(account.api_key, ok.url);
    const patch = await t.call('PATCH', `/v1/endpoints/${paused.id}`, account.api_key, { enabled: false });
    expect(patch.status).toBe(200);

    for (const seed of [1, 2]) {
      const res = await t.publish(account.api_key, 'meeting.booked', sampleData('meeting.booked', { seed }), {
        'idempotency-key': `k${seed}`,
      });
      expect(res.status).toBe(202);
    }
    const replay = await t.publish(
      account.api_key,
      'meeting.booked',
      sampleData('meeting.booked', { seed: 1 }),
      {
        'idempotency-key': 'k1',
      },
    );
    expect(replay.headers['idempotent-replayed']).toBe('true');
    await ok.waitFor(2);
    await down.waitFor(2);

    const labels = (id: string) => `{endpoint_id="${id}",account_id="${account.id}"}`;
    // Until both failed attempts are recorded (a request received is not yet an attempt recorded).
    const text = await eventually(async () => {
      const body = await metrics();
      return sample(body, `bookflow_endpoint_backlog${labels(failing.id)}`) === 2 ? body : null;
    });
    expect(sample(text, 'bookflow_endpoints{state="failing"}')).toBe(1);
    expect(sample(text, 'bookflow_publish_duration_seconds_count{outcome="created"}')).toBe(2);
    expect(sample(text, 'bookflow_publish_duration_seconds_count{outcome="replayed"}')).toBe(1);
    expect(sample(text, 'bookflow_endpoints{state="healthy"}')).toBe(1);
    expect(sample(text, 'bookflow_endpoints{state="disabled"}')).toBe(1);

    expect(sample(text, `bookflow_endpoint_failing_seconds${labels(failing.id)}`)).toBeGreaterThanOrEqual(0);
    expect(text).not.toContain(`bookflow_endpoint_failing_seconds${labels(healthy.id)}`);
    // Waiting: the failing endpoint's two retries (above), the disabled endpoint's two held deliveries.
    expect(sample(text, `bookflow_endpoint_backlog${labels(paused.id)}`)).toBe(2);
    expect(text).not.toContain(`bookflow_endpoint_backlog${labels(healthy.id)}`);

    const worker = `{worker_id="${t.platform.worker!.id}"}`;
    expect(sample(text, `bookflow_worker_claims_total${worker}`)).toBeGreaterThan(0);
    // Four first attempts (two events, two enabled endpoints); the retries are a minute away.
    expect(sample(text, `bookflow_worker_claimed_deliveries_total${worker}`)).toBe(4);
  });

  it('drops an endpoint from the failing series once it recovers', async () => {
    const account = await t.createAccount();
    let healthyNow = false;
    const flaky = await startReceiver(() => ({ status: healthyNow ? 200 : 500 }));
    try {
      const ep = await t.createEndpoint(account.api_key, flaky.url);
      await t.publish(account.api_key, 'meeting.booked', sampleData('meeting.booked', { seed: 1 }));
      await flaky.waitFor(1);
      const series = `bookflow_endpoint_failing_seconds{endpoint_id="${ep.id}",account_id="${account.id}"}`;
      await eventually(async () => (await metrics()).includes(series));
      healthyNow = true;
      await t.publish(account.api_key, 'meeting.booked', sampleData('meeting.booked', { seed: 2 }));
      await flaky.waitFor(2);
      await eventually(async () => sample(await metrics(), 'bookflow_endpoints{state="healthy"}') === 1);
      expect(await metrics()).not.toContain(series);
    } finally {
      await flaky.close();
    }
  });

  it('has no worker series in a process that only serves the API', async () => {
    const api = await testPlatform(database.db, { roles: ['api'] });
    try {
      const account = await api.createAccount();
      await api.publish(account.api_key, 'meeting.booked', sampleData('meeting.booked', { seed: 1 }));
      const text = (await api.platform.api!.inject({ method: 'GET', url: '/metrics' })).body;
      expect(sample(text, 'bookflow_publish_duration_seconds_count{outcome="created"}')).toBe(1);
      expect(text).not.toMatch(/^bookflow_worker_claims_total\{/m);
    } finally {
      await api.platform.stop();
    }
  });
});
