import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { sampleData } from '@bookflow/events';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { claimDue } from '../../src/delivery/queue/claim.ts';
import { BACKENDS, countByStatus, openTestDatabase, type TestDatabase } from '../support/databases.ts';
import { eventually, testPlatform } from '../support/platform.ts';

/**
 * An endpoint that keeps every request open until the test releases them: attempts in flight, on
 * demand. After a release, later requests are answered at once with the same statuses.
 */
async function startGatedReceiver() {
  const open: ServerResponse[] = [];
  let arrived = 0;
  let answered = 0;
  let statuses: number[] | null = null;
  const answer = (res: ServerResponse, list: number[]) => {
    res.writeHead(list[answered++ % list.length]!);
    res.end();
  };
  const server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      arrived += 1;
      if (statuses) answer(res, statuses);
      else open.push(res);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`,
    get arrived() {
      return arrived;
    },
    /** Answers every open request and every later one, in turn with statuses[i % statuses.length]. */
    release(list: number[]) {
      statuses = list;
      for (const res of open.splice(0)) answer(res, list);
    },
    close(): Promise<void> {
      server.closeAllConnections();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}

describe.each(BACKENDS)('deleting an endpoint ends all its deliveries (%s)', (backend) => {
  let database: TestDatabase;
  let t: Awaited<ReturnType<typeof testPlatform>>;
  let receiver: Awaited<ReturnType<typeof startGatedReceiver>>;

  beforeEach(async () => {
    database = await openTestDatabase(backend);
    t = await testPlatform(database.db, { totalTimeoutMs: 30_000, leaseMs: 60_000 });
    receiver = await startGatedReceiver();
  });

  afterEach(async () => {
    receiver.release([200]);
    await t.platform.stop();
    await receiver.close();
    await database.close();
  });

  async function endpointWithEvents(count: number, body: Record<string, unknown> = {}) {
    const account = await t.createAccount();
    const ep = await t.call('POST', '/v1/endpoints', account.api_key, {
      url: receiver.url,
      event_types: ['meeting.booked'],
      ...body,
    });
    expect(ep.status).toBe(201);
    for (let i = 0; i < count; i++) {
      await t.publish(account.api_key, 'meeting.booked', sampleData('meeting.booked', { seed: i }));
    }
    return { key: account.api_key, id: (ep.body as { id: string }).id };
  }

  async function queueDepth(): Promise<Record<string, number>> {
    const res = await t.platform.api!.inject({ method: 'GET', url: '/metrics' });
    const depth: Record<string, number> = {};
    for (const m of res.body.matchAll(/^bookflow_queue_depth\{state="(\w+)"\} (\d+)$/gm))
      depth[m[1]!] = Number(m[2]);
    return depth;
  }

  async function deadReasons(): Promise<Record<string, number>> {
    const { rows } = await database.db.query<{ reason: string; n: number }>(
      `select coalesce(dead_reason, status) as reason, count(*)::int as n from deliveries group by 1`,
    );
    return Object.fromEntries(rows.map((r) => [r.reason, r.n]));
  }

  it('attempts in flight at the delete are recorded, then end dead (endpoint_deleted) whatever the answer', async () => {
    const ep = await endpointWithEvents(6);
    await eventually(async () => receiver.arrived === 6, 50_000);
    expect((await t.call('DELETE', `/v1/endpoints/${ep.id}`, ep.key)).status).toBe(204);

    // A failure would be retried, a 410 would hold the delivery, a 200 succeeds: the endpoint is gone.
    receiver.release([500, 410, 200]);
    await eventually(async () => (await countByStatus(database.db)).delivering === undefined, 50_000);
    expect(await deadReasons()).toEqual({ endpoint_deleted: 4, succeeded: 2 });
    const { rows } = await database.db.query<{ n: number }>(
      'select count(*)::int as n from delivery_attempts where attempt_number = 1',
    );
    expect(rows[0]!.n).toBe(6);
    expect(await queueDepth()).toEqual({ pending: 0, delivering: 0, held: 0 });
    // Several retry periods later nothing more was sent.
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(receiver.arrived).toBe(6);
  }, 120_000);

  it('with a concurrency limit: the waiting ones end at the delete, the in-flight ones when they finish', async () => {
    const ep = await endpointWithEvents(6, { max_concurrency: 2 });
    await eventually(async () => receiver.arrived === 2, 50_000);
    expect((await t.call('DELETE', `/v1/endpoints/${ep.id}`, ep.key)).status).toBe(204);
    expect(await countByStatus(database.db)).toEqual({ delivering: 2, dead: 4 });

    receiver.release([500]);
    await eventually(async () => (await countByStatus(database.db)).dead === 6, 50_000);
    expect(await deadReasons()).toEqual({ endpoint_deleted: 6 });
    expect(await queueDepth()).toEqual({ pending: 0, delivering: 0, held: 0 });
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(receiver.arrived).toBe(2);
    const listed = await t.call('GET', '/v1/deliveries?status=dead', ep.key);
    const data = (listed.body as { data: Array<{ dead_reason: string }> }).data;
    expect(data.map((d) => d.dead_reason)).toEqual(Array(6).fill('endpoint_deleted'));
  }, 120_000);

  it('with a rate limit: what was sent is recorded, the rest ends dead, nothing goes out afterwards', async () => {
    const ep = await endpointWithEvents(4, { rate_limit: 2 });
    await eventually(async () => receiver.arrived >= 1, 50_000);
    expect((await t.call('DELETE', `/v1/endpoints/${ep.id}`, ep.key)).status).toBe(204);
    // Requests already on the wire at the delete may still arrive: they are answered too.
    receiver.release([200]);
    await eventually(async () => (await countByStatus(database.db)).delivering === undefined, 50_000);
    const sent = receiver.arrived;
    expect(sent).toBeLessThan(4);
    expect(await deadReasons()).toEqual({ endpoint_deleted: 4 - sent, succeeded: sent });
    // Past the next slots (2 per second): nothing more went out.
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    expect(receiver.arrived).toBe(sent);
  }, 120_000);

  it('a lease that expires after the delete ends dead, not pending for ever', async () => {
    // An API-only platform, so nothing is claimed but by the test.
    await t.platform.stop();
    t = await testPlatform(database.db, { roles: ['api'] });
    const ep = await endpointWithEvents(1);
    // A worker claims it and vanishes.
    expect(await claimDue(database.db, { limit: 10, leaseMs: 100, workerId: 'gone-worker' })).toHaveLength(1);
    expect((await t.call('DELETE', `/v1/endpoints/${ep.id}`, ep.key)).status).toBe(204);
    await t.platform.stop();

    t = await testPlatform(database.db, { reaperIntervalMs: 50 });
    await eventually(async () => (await countByStatus(database.db)).dead === 1, 50_000);
    expect(await deadReasons()).toEqual({ endpoint_deleted: 1 });
    expect(receiver.arrived).toBe(0);
  }, 120_000);
});
