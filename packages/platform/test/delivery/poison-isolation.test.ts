import { sampleData } from '@bookflow/events';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { publishEvents } from '../../src/events/publish.ts';
import { BACKENDS, countByStatus, openTestDatabase, type TestDatabase } from '../support/databases.ts';
import { eventually, testPlatform } from '../support/platform.ts';
import { type Reply, startReceiver, type TestReceiver } from '../support/receiver.ts';

/** The scenario: 100 events to each account. */
const PER_ACCOUNT = 100;
/** Enough refused rows to land in shared batches, few enough for a busy machine. */
const REFUSED_PER_ACCOUNT = 30;

/** The attempt numbers one receiver saw, per event id, in arrival order. */
function attemptsPerEvent(r: TestReceiver): Map<string, number[]> {
  const seen = new Map<string, number[]>();
  for (const q of r.requests) {
    const id = String(q.headers['x-bookflow-event-id']);
    seen.set(id, [...(seen.get(id) ?? []), Number(q.headers['x-bookflow-attempt'])]);
  }
  return seen;
}

describe.each(BACKENDS)('one bad row never fails another (%s)', (backend) => {
  let database: TestDatabase;
  let t: Awaited<ReturnType<typeof testPlatform>>;
  const receivers: TestReceiver[] = [];

  beforeEach(async () => {
    database = await openTestDatabase(backend);
    // Generous attempt timeout and lease: the receivers answer at once, so only a busy machine
    // could make an attempt time out, and these tests are about recording, not speed.
    t = await testPlatform(database.db, {
      retryScheduleMs: [20, 20],
      totalTimeoutMs: 30_000,
      leaseMs: 120_000,
    });
  });

  afterEach(async () => {
    await t.platform.stop();
    await Promise.all(receivers.splice(0).map((r) => r.close()));
    await database.close();
  });

  async function accountWith(reply: Reply) {
    const r = await startReceiver(() => reply);
    receivers.push(r);
    const account = await t.createAccount();
    await t.createEndpoint(account.api_key, r.url);
    return { ...account, receiver: r };
  }

  /** PER_ACCOUNT events to each account, accepted in one statement so their deliveries mix in batches. */
  async function publishTogether(count: number, ...accounts: Array<{ id: string }>) {
    const outcomes = await publishEvents(
      database.db,
      Array.from({ length: count }, (_, i) =>
        accounts.map((a) => ({
          accountId: a.id,
          type: 'meeting.booked' as const,
          data: sampleData('meeting.booked', { seed: i }),
        })),
      ).flat(),
    );
    expect(outcomes.every((o) => o.status === 'fulfilled')).toBe(true);
  }

  async function settled(expectedTotal: number) {
    return eventually(async () => {
      const counts = await countByStatus(database.db);
      const done = (counts.succeeded ?? 0) + (counts.dead ?? 0);
      return done === expectedTotal ? counts : null;
    }, 250_000);
  }

  it("100 events to A and 100 to B whose endpoint answers 200 'ok\\0': all recorded, each sent once", async () => {
    const a = await accountWith({ status: 200, body: 'thanks' });
    const b = await accountWith({ status: 200, body: 'ok\u0000' });
    await publishTogether(PER_ACCOUNT, a, b);

    expect(await settled(2 * PER_ACCOUNT)).toEqual({ succeeded: 2 * PER_ACCOUNT });
    for (const account of [a, b]) {
      const seen = attemptsPerEvent(account.receiver);
      expect(seen.size).toBe(PER_ACCOUNT);
      expect([...seen.values()].filter((attempts) => attempts.length !== 1 || attempts[0] !== 1)).toEqual([]);
    }
    const { rows } = await database.db.query<{
      response_body: string;
      response_body_encoding: string;
      n: number;
    }>(
      `select response_body, response_body_encoding, count(*)::int as n from delivery_attempts
        where delivery_id in (select id from deliveries where account_id = $1) and outcome = 'succeeded'
        group by 1, 2`,
      [b.id],
    );
    expect(rows).toEqual([{ response_body: 'ok\\x00', response_body_encoding: 'escaped', n: PER_ACCOUNT }]);
  }, 300_000);

  it('a row the database refuses is recorded as a failed attempt; the rest of its batch commits', async () => {
    // A constraint stands in for any row the database may refuse (a value it cannot store, a limit).
    await database.db.query(
      `alter table delivery_attempts add constraint test_refuses_poison
         check (response_body is null or position('POISON' in response_body) = 0)`,
    );
    const a = await accountWith({ status: 200, body: 'thanks' });
    const b = await accountWith({ status: 200, body: 'POISON' });
    const c = await accountWith({ status: 500, body: 'POISON' });
    await publishTogether(REFUSED_PER_ACCOUNT, a, b, c);

    const counts = await settled(3 * REFUSED_PER_ACCOUNT);
    expect(counts).toEqual({ succeeded: REFUSED_PER_ACCOUNT, dead: 2 * REFUSED_PER_ACCOUNT });
    const seenA = attemptsPerEvent(a.receiver);
    expect(seenA.size).toBe(REFUSED_PER_ACCOUNT);
    expect([...seenA.values()].filter((attempts) => attempts.length !== 1 || attempts[0] !== 1)).toEqual([]);
    // B and C: every attempt consumed its number; nothing was sent twice under one number.
    for (const account of [b, c]) {
      const seen = attemptsPerEvent(account.receiver);
      expect(seen.size).toBe(REFUSED_PER_ACCOUNT);
      for (const attempts of seen.values()) expect(attempts).toEqual([1, 2, 3]);
    }
    const { rows } = await database.db.query<{
      account_id: string;
      outcome: string;
      error_kind: string;
      n: number;
    }>(
      `select d.account_id, a.outcome, a.error_kind, count(*)::int as n
         from delivery_attempts a join deliveries d on d.id = a.delivery_id
        where d.account_id <> $1 group by 1, 2, 3 order by 1`,
      [a.id],
    );
    expect(rows).toHaveLength(2);
    for (const row of rows) {
      expect(row).toMatchObject({
        outcome: 'failed',
        error_kind: 'unrecordable_response',
        n: 3 * REFUSED_PER_ACCOUNT,
      });
    }
    const { rows: dead } = await database.db.query<{ last_error: string; dead_reason: string }>(
      `select last_error, dead_reason from deliveries where account_id = $1 limit 1`,
      [b.id],
    );
    expect(dead[0]!.dead_reason).toBe('attempts_exhausted');
    expect(dead[0]!.last_error).toMatch(/^unrecordable_response: HTTP 200, but the database refused/);
    expect(dead[0]!.last_error).toContain('23514');
  }, 300_000);
});
