import { type EventType, sampleData } from '@bookflow/events';
import { afterEach, describe, expect, it } from 'vitest';
import { BACKENDS, openTestDatabase, type TestDatabase } from '../support/databases.ts';
import { eventually, testPlatform } from '../support/platform.ts';
import { startReceiver, type TestReceiver } from '../support/receiver.ts';

const CONCURRENCY = 10;
const RESERVED = 1;
const PER_ORIGIN = 3;

/**
 * Account A's endpoints never answer (their attempts only end when the test closes the receiver);
 * account B's answer at once. Asserted on counts while A's attempts are still open: how many
 * requests A's origins got, what is in flight, what B got. No timing.
 */
describe.each(BACKENDS)('a hanging account does not hold back another (%s)', (backend) => {
  let database: TestDatabase;
  let t: Awaited<ReturnType<typeof testPlatform>> | null = null;
  const receivers: TestReceiver[] = [];

  afterEach(async () => {
    // Closing the receivers ends A's open requests, so the worker can stop.
    await Promise.all(receivers.splice(0).map((r) => r.close()));
    await t?.platform.stop();
    t = null;
    await database.close();
  });

  async function statusOf(accountId: string): Promise<Record<string, number>> {
    const { rows } = await database.db.query<{ status: string; n: number }>(
      'select status, count(*)::int as n from deliveries where account_id = $1 group by status',
      [accountId],
    );
    return Object.fromEntries(rows.map((r) => [r.status, r.n]));
  }

  async function publishMany(key: string, type: EventType, n: number) {
    for (let i = 0; i < n; i++) await t!.publish(key, type, sampleData(type, { seed: i }));
  }

  it("B's deliveries are all claimed and completed while A's hang, and A holds only its share", {
    timeout: 180_000,
  }, async () => {
    database = await openTestDatabase(backend);
    t = await testPlatform(database.db, {
      workerConcurrency: CONCURRENCY,
      workerReservedSlots: RESERVED,
      connectionsPerOrigin: PER_ORIGIN,
      // Long enough that no hanging attempt ends by itself during the test.
      totalTimeoutMs: 120_000,
      leaseMs: 180_000,
    });
    const hangingA = await startReceiver(() => ({ status: 200, hang: true }));
    const otherA = await startReceiver(() => ({ status: 200, hang: true }));
    const fastB = await startReceiver(() => ({ status: 200 }));
    receivers.push(hangingA, otherA, fastB);
    const a = await t.createAccount();
    const b = await t.createAccount();
    // Two of A's endpoints share one origin (the gate keeps them to its sockets); a third is its own.
    await t.createEndpoint(a.api_key, `${hangingA.url}/one`, ['call.ended']);
    await t.createEndpoint(a.api_key, `${hangingA.url}/two`, ['call.ended']);
    await t.createEndpoint(a.api_key, otherA.url, ['call.ended']);
    await t.createEndpoint(b.api_key, fastB.url, ['meeting.booked']);

    await publishMany(a.api_key, 'call.ended', 10);
    // Alone, A may fill every slot but the reserved one: 9 claimed, 3 open per origin.
    await eventually(async () => (await statusOf(a.id)).delivering === CONCURRENCY - RESERVED, 150_000);
    await hangingA.waitFor(PER_ORIGIN, 150_000);
    await otherA.waitFor(PER_ORIGIN, 150_000);

    await publishMany(b.api_key, 'meeting.booked', 20);
    await fastB.waitFor(20, 150_000);
    await eventually(async () => (await statusOf(b.id)).succeeded === 20, 150_000);

    // A's attempts are all still open: none ended, none was sent twice, none went beyond its share.
    expect(hangingA.requests).toHaveLength(PER_ORIGIN);
    expect(otherA.requests).toHaveLength(PER_ORIGIN);
    expect(await statusOf(a.id)).toEqual({
      delivering: CONCURRENCY - RESERVED,
      pending: 30 - (CONCURRENCY - RESERVED),
    });
    const { rows } = await database.db.query<{ n: number }>(
      'select count(*)::int as n from delivery_attempts a join deliveries d on d.id = a.delivery_id where d.account_id = $1',
      [a.id],
    );
    expect(rows[0]!.n).toBe(0);
    expect(new Set(fastB.requests.map((r) => r.headers['webhook-id'])).size).toBe(20);
  });
});
