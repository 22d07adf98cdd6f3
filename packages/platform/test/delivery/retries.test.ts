import { createServer } from 'node:net';
import { sampleData } from '@bookflow/events';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { BACKENDS, openTestDatabase, type TestDatabase } from '../support/databases.ts';
import { eventually, testPlatform } from '../support/platform.ts';
import { type Reply, startReceiver, type TestReceiver } from '../support/receiver.ts';

type Delivery = {
  id: string;
  status: string;
  attempt_count: number;
  attempts: Array<{
    attempt: number;
    outcome: string;
    status_code: number | null;
    error_kind: string | null;
    started_at: string;
    duration_ms: number;
    error: string | null;
    response_body: string | null;
  }>;
};

/** A port nothing listens on: bind, read the port, close. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as { port: number };
  await new Promise<void>((r) => server.close(() => r()));
  return port;
}

/**
 * Attempt timeout for receivers that answer: long, so a busy machine never turns an answer into a
 * timeout (the test would then check the wrong failure). Only the hanging receiver needs a short
 * one, and it times out whatever the load.
 */
const ANSWER_TIMEOUT_MS = 10_000;
const HANG_TIMEOUT_MS = 500;

describe.each(BACKENDS)('retries (%s)', (backend) => {
  let database: TestDatabase;
  let t: Awaited<ReturnType<typeof testPlatform>>;
  const receivers: TestReceiver[] = [];
  const SCHEDULE = [100, 200, 300, 400, 500, 600];

  async function start(totalTimeoutMs: number) {
    t = await testPlatform(database.db, {
      retryScheduleMs: SCHEDULE,
      totalTimeoutMs,
      leaseMs: 3 * ANSWER_TIMEOUT_MS,
      pollIntervalMs: 50,
    });
  }

  beforeEach(async () => {
    database = await openTestDatabase(backend);
    await start(ANSWER_TIMEOUT_MS);
  });

  afterEach(async () => {
    await t.platform.stop();
    await Promise.all(receivers.splice(0).map((r) => r.close()));
    await database.close();
  });

  async function receiver(respond: (index: number) => Reply) {
    const r = await startReceiver((_req, i) => respond(i));
    receivers.push(r);
    return r;
  }

  async function publishTo(url: string) {
    const account = await t.createAccount();
    await t.createEndpoint(account.api_key, url);
    const res = await t.publish(account.api_key, 'meeting.booked', sampleData('meeting.booked'));
    expect(res.status).toBe(202);
    return { key: account.api_key, eventId: (res.body as { id: string }).id };
  }

  async function deliveryOf(key: string, eventId: string): Promise<Delivery> {
    const res = await t.call('GET', `/v1/events/${eventId}/deliveries`, key);
    return (res.body as { data: Delivery[] }).data[0]!;
  }

  it('success on the third attempt stops retrying, with the gaps of the schedule', async () => {
    const r = await receiver((i) => (i < 2 ? { status: 500, body: 'boom' } : { status: 204 }));
    const { key, eventId } = await publishTo(r.url);
    await r.waitFor(3);
    const d = await eventually(async () => {
      const x = await deliveryOf(key, eventId);
      return x.status === 'succeeded' ? x : null;
    });
    expect(d.attempt_count).toBe(3);
    expect(d.attempts.map((a) => [a.attempt, a.outcome, a.status_code])).toEqual([
      [1, 'failed', 500],
      [2, 'failed', 500],
      [3, 'succeeded', 204],
    ]);
    expect(d.attempts[0]!.response_body).toBe('boom');
    expect(r.requests.map((q) => q.headers['x-bookflow-attempt'])).toEqual(['1', '2', '3']);
    // Each retry waits at least its scheduled delay after the failure before it.
    expect(r.requests[1]!.at - r.requests[0]!.at).toBeGreaterThanOrEqual(SCHEDULE[0]! - 5);
    expect(r.requests[2]!.at - r.requests[1]!.at).toBeGreaterThanOrEqual(SCHEDULE[1]! - 5);
    await new Promise((resolve) => setTimeout(resolve, 400));
    expect(r.requests).toHaveLength(3);
  });

  const failures: Array<[string, () => Promise<string>, string]> = [
    [
      'a timeout',
      async () => {
        await t.platform.stop();
        await start(HANG_TIMEOUT_MS);
        return (await receiver(() => ({ status: 200, hang: true }))).url;
      },
      'timeout',
    ],
    ['a refused connection', async () => `http://127.0.0.1:${await closedPort()}/hook`, 'connection_refused'],
    [
      'a 301 redirect (not followed)',
      async () =>
        (await receiver(() => ({ status: 301, headers: { location: 'http://127.0.0.1:1/x' } }))).url,
      'redirect',
    ],
    ['a DNS failure', async () => 'http://bookflow-test.invalid/hook', 'dns'],
    ['a 500', async () => (await receiver(() => ({ status: 500 }))).url, 'http_status'],
  ];

  it.each(failures)('%s is a failure that is retried on the schedule', async (_name, target, kind) => {
    const { key, eventId } = await publishTo(await target());
    const d = await eventually(async () => {
      const x = await deliveryOf(key, eventId);
      return x.attempts.length >= 2 ? x : null;
    });
    expect(d.attempts[0]!.outcome).toBe('failed');
    expect(d.attempts[0]!.error_kind).toBe(kind);
    expect(d.attempts[1]!.attempt).toBe(2);
    const gap = new Date(d.attempts[1]!.started_at).getTime() - new Date(d.attempts[0]!.started_at).getTime();
    expect(gap).toBeGreaterThanOrEqual(SCHEDULE[0]! + d.attempts[0]!.duration_ms - 5);
  });

  it('429 with Retry-After waits the longer of the schedule and Retry-After', async () => {
    const r = await receiver((i) =>
      i === 0 ? { status: 429, headers: { 'retry-after': '1' } } : { status: 200 },
    );
    const { key, eventId } = await publishTo(r.url);
    await r.waitFor(2, 5_000);
    expect(r.requests[1]!.at - r.requests[0]!.at).toBeGreaterThanOrEqual(1_000 - 5);
    const d = await eventually(async () => {
      const x = await deliveryOf(key, eventId);
      return x.status === 'succeeded' ? x : null;
    });
    expect(d.attempts.map((a) => a.status_code)).toEqual([429, 200]);
  });

  it('410 Gone disables the endpoint and holds its deliveries until it is enabled again', async () => {
    let gone = true;
    const r = await receiver(() => (gone ? { status: 410 } : { status: 200 }));
    const account = await t.createAccount();
    const ep = await t.createEndpoint(account.api_key, r.url);
    const first = await t.publish(
      account.api_key,
      'meeting.booked',
      sampleData('meeting.booked', { seed: 1 }),
    );
    await r.waitFor(1);
    const endpoint = await eventually(async () => {
      const res = await t.call('GET', `/v1/endpoints/${ep.id}`, account.api_key);
      const body = res.body as { enabled: boolean; disabled_reason: string };
      return body.enabled ? null : body;
    });
    expect(endpoint.disabled_reason).toBe('gone_410');
    // New events for a disabled endpoint are kept as held, not dropped and not sent.
    const second = await t.publish(
      account.api_key,
      'meeting.booked',
      sampleData('meeting.booked', { seed: 2 }),
    );
    const held = await t.call('GET', '/v1/deliveries?status=held', account.api_key);
    expect((held.body as { data: unknown[] }).data).toHaveLength(2);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(r.requests).toHaveLength(1);

    gone = false;
    const enabled = await t.call('PATCH', `/v1/endpoints/${ep.id}`, account.api_key, { enabled: true });
    expect(enabled.status).toBe(200);
    await r.waitFor(3);
    const ids = r.requests.slice(1).map((q) => q.headers['x-bookflow-event-id']);
    // Released in the order they were created.
    expect(ids).toEqual([(first.body as { id: string }).id, (second.body as { id: string }).id]);
  });
});
