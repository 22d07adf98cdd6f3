import { type EventType, sampleData } from '@bookflow/events';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { claimDue, unheldShares } from '../../src/delivery/queue/claim.ts';
import { extendLeases } from '../../src/delivery/queue/extend-leases.ts';
import { reapExpiredLeases } from '../../src/delivery/queue/reap.ts';
import { BACKENDS, openTestDatabase, type TestDatabase } from '../support/databases.ts';
import { testPlatform } from '../support/platform.ts';

const BACKLOG = 40;

/**
 * Claim order under a backlog, at the queue level (no worker, no timing): the claim is asked for
 * fewer rows than one account has due, and must still serve the others in the same round.
 */
describe.each(BACKENDS)('fair claim order (%s)', (backend) => {
  let database: TestDatabase;
  let t: Awaited<ReturnType<typeof testPlatform>>;

  beforeEach(async () => {
    database = await openTestDatabase(backend);
    // The api role alone: deliveries wait until the test claims them.
    t = await testPlatform(database.db, { roles: ['api'] });
  });

  afterEach(async () => {
    await t.platform.stop();
    await database.close();
  });

  async function account(endpoints: string[][]) {
    const acc = await t.createAccount();
    const ids = [];
    for (const [i, types] of endpoints.entries())
      ids.push((await t.createEndpoint(acc.api_key, `http://127.0.0.1:9/ep${i}`, types)).id);
    return { key: acc.api_key, id: acc.id, endpointIds: ids };
  }

  async function publish(key: string, type: EventType, n: number) {
    for (let i = 0; i < n; i++)
      expect((await t.publish(key, type, sampleData(type, { seed: i }))).status).toBe(202);
  }

  const claim = (limit: number, workerId = 'w', shares = unheldShares(limit)) =>
    claimDue(database.db, { limit, leaseMs: 60_000, workerId, shares });

  it("another account's fresh delivery is claimed in the next round, ahead of an older backlog", async () => {
    const a = await account([['meeting.booked']]);
    const b = await account([['meeting.booked']]);
    await publish(a.key, 'meeting.booked', BACKLOG);
    await publish(b.key, 'meeting.booked', 1);
    // Control: B's delivery is the newest due row, so oldest-first would reach it only after A's backlog.
    const { rows } = await database.db.query<{ account_id: string }>(
      `select account_id from deliveries where status = 'pending' order by next_attempt_at, created_at`,
    );
    expect(rows.map((r) => r.account_id).indexOf(b.id)).toBe(BACKLOG);

    const first = await claim(5);
    expect(first).toHaveLength(5);
    expect(first.filter((j) => j.accountId === b.id)).toHaveLength(1);
    // A still gets the rest of the round: nothing of the claim is wasted.
    expect(first.filter((j) => j.accountId === a.id)).toHaveLength(4);
  });

  it("a bulk replay of one account's dead letters goes through the same shares as live events", async () => {
    const a = await account([['meeting.booked']]);
    const b = await account([['meeting.booked']]);
    await publish(a.key, 'meeting.booked', BACKLOG);
    // A's whole backlog failed for good: its dead letter (the state the worker leaves them in).
    await database.db.query(
      `update deliveries set status = 'dead', dead_at = now(), attempt_count = 7 where account_id = $1`,
      [a.id],
    );
    const replay = await t.call('POST', '/v1/deliveries/replay', a.key, {});
    expect(replay.status).toBe(202);
    expect(replay.body).toMatchObject({ queued: BACKLOG });
    await publish(b.key, 'meeting.booked', 1);

    const first = await claim(5);
    expect(first).toHaveLength(5);
    expect(first.filter((j) => j.accountId === b.id)).toHaveLength(1);
    expect(first.filter((j) => j.accountId === a.id && j.trigger === 'manual')).toHaveLength(4);
  });

  it("within one account, an idle endpoint's delivery is claimed beside a busy endpoint's backlog", async () => {
    const a = await account([['meeting.booked'], ['call.ended']]);
    await publish(a.key, 'meeting.booked', BACKLOG);
    await publish(a.key, 'call.ended', 1);
    const first = await claim(3);
    expect(first.map((j) => j.endpointId).filter((id) => id === a.endpointIds[1])).toHaveLength(1);
  });

  it('an account that already holds slots goes after one that holds none', async () => {
    const a = await account([['meeting.booked']]);
    const b = await account([['meeting.booked']]);
    await publish(a.key, 'meeting.booked', 5);
    await publish(b.key, 'meeting.booked', 5);
    // A holds 3 attempts in this worker: the next 3 rows go to B, then both alternate.
    const shares = {
      ...unheldShares(10),
      accountHeld: new Map([[a.id, 3]]),
      endpointHeld: new Map([[a.endpointIds[0]!, 3]]),
    };
    const jobs = await claim(5, 'w', shares);
    const byAccount = (id: string) => jobs.filter((j) => j.accountId === id).length;
    expect(byAccount(b.id)).toBe(4);
    expect(byAccount(a.id)).toBe(1);
  });

  it('caps: an endpoint or account at its cap gets nothing this round, the others get the room', async () => {
    const a = await account([['meeting.booked']]);
    const b = await account([['meeting.booked']]);
    await publish(a.key, 'meeting.booked', 5);
    await publish(b.key, 'meeting.booked', 5);
    const atCap = {
      accountHeld: new Map([[a.id, 2]]),
      endpointHeld: new Map([[a.endpointIds[0]!, 2]]),
      accountCap: 4,
      endpointCap: 2,
    };
    const jobs = await claim(10, 'w', atCap);
    expect(jobs.every((j) => j.accountId === b.id)).toBe(true);
    // B may take its endpoint cap (2), no more, though 5 are due and the claim asked for 10.
    expect(jobs).toHaveLength(2);
  });

  it('a lease renewed by its worker outlives its first term; another worker cannot renew it', async () => {
    const a = await account([['meeting.booked']]);
    await publish(a.key, 'meeting.booked', 2);
    const [kept, lapsed] = await claimDue(database.db, { limit: 2, leaseMs: 1, workerId: 'w1' });
    expect(await extendLeases(database.db, { ids: [kept!.id], workerId: 'w1', leaseMs: 60_000 })).toBe(1);
    expect(await extendLeases(database.db, { ids: [lapsed!.id], workerId: 'w2', leaseMs: 60_000 })).toBe(0);
    await new Promise((r) => setTimeout(r, 20));
    expect(await reapExpiredLeases(database.db)).toBe(1);
    const { rows } = await database.db.query<{ id: string; status: string }>(
      'select id, status from deliveries order by status',
    );
    expect(Object.fromEntries(rows.map((r) => [r.id, r.status]))).toEqual({
      [kept!.id]: 'delivering',
      [lapsed!.id]: 'pending',
    });
  });
});
