import { sampleData } from '@bookflow/events';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { publishEvents } from '../../src/events/publish.ts';
import { BACKENDS, openTestDatabase, type TestDatabase } from '../support/databases.ts';
import { ADMIN_TOKEN, testPlatform } from '../support/platform.ts';
import { startReceiver, type TestReceiver } from '../support/receiver.ts';
import { platformEvents, type ThresholdSeen } from './platform-events.ts';

type Case = {
  name: string;
  included: number;
  /** duration_seconds of each call, published one after the other. */
  calls: number[];
  /** [threshold_percent, minutes_used] of each usage.threshold, in order. */
  expected: Array<[number, number]>;
};

const CASES: Case[] = [
  { name: 'below 75 %: nothing', included: 100, calls: [74 * 60], expected: [] },
  {
    name: 'one second more reaches 75 % (rounded up per call)',
    included: 100,
    calls: [74 * 60, 1],
    expected: [[75, 75]],
  },
  {
    name: 'one call crossing 75 % and 90 % at once gives both, in order',
    included: 100,
    calls: [70 * 60, 25 * 60],
    expected: [
      [75, 95],
      [90, 95],
    ],
  },
  {
    name: 'exactly 100 %',
    included: 100,
    calls: [80 * 60, 10 * 60, 10 * 60],
    expected: [
      [75, 80],
      [90, 90],
      [100, 100],
    ],
  },
  {
    name: 'rounding per call: 61 s, 1 s and 60 s bill 2 + 1 + 1 minutes',
    included: 4,
    calls: [61, 1, 60],
    expected: [
      [75, 3],
      [90, 4],
      [100, 4],
    ],
  },
  {
    name: 'beyond 100 %: each threshold once',
    included: 10,
    calls: [600, 600, 60, 6000],
    expected: [
      [75, 10],
      [90, 10],
      [100, 10],
    ],
  },
  { name: 'a call of 0 s bills nothing', included: 1, calls: [0, 0], expected: [] },
];

describe.each(BACKENDS)('usage.threshold (%s)', (backend) => {
  let database: TestDatabase;
  let t: Awaited<ReturnType<typeof testPlatform>>;
  const receivers: TestReceiver[] = [];

  beforeAll(async () => {
    database = await openTestDatabase(backend);
    t = await testPlatform(database.db);
  });

  afterAll(async () => {
    await t.platform.stop();
    await Promise.all(receivers.splice(0).map((r) => r.close()));
    await database.close();
  });

  const call = (seconds: number, seed: number) => ({
    ...sampleData('call.ended', { seed }),
    duration_seconds: seconds,
  });

  async function accountWithPlan(included: number) {
    return t.createAccount({ plan: { name: 'Growth', minutes_included: included } });
  }

  it.each(CASES)('$name', async ({ included, calls, expected }) => {
    const account = await accountWithPlan(included);
    for (const [i, seconds] of calls.entries()) {
      expect((await t.publish(account.api_key, 'call.ended', call(seconds, i + 1))).status).toBe(202);
    }
    const seen = await platformEvents(database.db, account.id, 'usage.threshold');
    expect(seen.map((e) => [e.data.threshold_percent, e.data.minutes_used])).toEqual(expected);
    const me = (await t.call('GET', '/v1/account', account.api_key)).body as {
      plan: { period_start: string; period_end: string };
      usage: { minutes_used: number; calls: number; thresholds_reached: number[] };
    };
    const minutes = calls.reduce((sum, s) => sum + Math.ceil(s / 60), 0);
    expect(me.usage).toMatchObject({ minutes_used: minutes, calls: calls.length });
    expect(me.usage.thresholds_reached).toEqual(expected.map(([percent]) => percent));
    for (const event of seen) {
      expect(event.data).toMatchObject({
        minutes_included: included,
        plan: 'Growth',
        period_start: me.plan.period_start,
        period_end: me.plan.period_end,
      });
    }
  });

  it('is delivered like any event, and shows source "platform" in the event log; callers cannot publish it', async () => {
    const account = await accountWithPlan(10);
    const r = await startReceiver();
    receivers.push(r);
    await t.createEndpoint(account.api_key, r.url, ['usage.threshold']);
    await t.publish(account.api_key, 'call.ended', call(8 * 60, 1));
    await r.waitFor(1);
    const delivered = JSON.parse(r.requests[0]!.body);
    expect(delivered).toMatchObject({
      type: 'usage.threshold',
      account_id: account.id,
      data: { threshold_percent: 75 },
    });
    expect(delivered).not.toHaveProperty('source');
    const logged = await t.call('GET', `/v1/events/${delivered.id}`, account.api_key);
    expect(logged.body).toMatchObject({ id: delivered.id, source: 'platform' });

    for (const type of ['usage.threshold', 'trial.ending'] as const) {
      const refused = await t.publish(account.api_key, type, sampleData(type, { seed: 1 }));
      expect(refused.status).toBe(422);
      expect(refused.body).toMatchObject({ code: 'reserved_event_type' });
      expect((refused.body as { detail: string }).detail).toContain('emitted by the platform');
    }
    expect(await platformEvents(database.db, account.id, 'usage.threshold')).toHaveLength(1);
    const { rows } = await database.db.query<{ n: number }>(
      "select count(*)::int as n from events where account_id = $1 and source = 'api' and type in ('usage.threshold', 'trial.ending')",
      [account.id],
    );
    expect(rows[0]!.n).toBe(0);
  });

  it('a repeated Idempotency-Key is counted once', async () => {
    const account = await accountWithPlan(10);
    const data = call(8 * 60, 3);
    for (let i = 0; i < 3; i++) {
      await t.publish(account.api_key, 'call.ended', data, { 'idempotency-key': 'same-call' });
    }
    const me = (await t.call('GET', '/v1/account', account.api_key)).body as {
      usage: { minutes_used: number };
    };
    expect(me.usage.minutes_used).toBe(8);
    expect(await platformEvents(database.db, account.id, 'usage.threshold')).toHaveLength(1);
  });

  it('counts nothing for an account without a plan, or one whose calls are not billable', async () => {
    const none = await t.createAccount();
    await t.publish(none.api_key, 'call.ended', call(600, 1));
    expect(((await t.call('GET', '/v1/account', none.api_key)).body as { usage: unknown }).usage).toBeNull();
    const sandbox = await accountWithPlan(1);
    await database.db.query('update accounts set counts_usage = false where id = $1', [sandbox.id]);
    await t.publish(sandbox.api_key, 'call.ended', call(600, 2));
    const me = (await t.call('GET', '/v1/account', sandbox.api_key)).body as {
      usage: { minutes_used: number };
    };
    expect(me.usage.minutes_used).toBe(0);
    expect(await platformEvents(database.db, sandbox.id, 'usage.threshold')).toEqual([]);
  });

  it('a new period starts when the last one ends: its thresholds are sent again, once', async () => {
    const account = await t.createAccount({
      plan: {
        name: 'Starter',
        minutes_included: 10,
        period_start: '2026-01-01T00:00:00.000Z',
        period_end: '2026-02-01T00:00:00.000Z',
      },
    });
    // Published through the API's own outbox function, at chosen instants.
    const publishAt = async (iso: string, seconds: number, seed: number) => {
      const [outcome] = await publishEvents(database.db, [
        { accountId: account.id, type: 'call.ended', data: call(seconds, seed), createdAt: new Date(iso) },
      ]);
      expect(outcome).toMatchObject({ status: 'fulfilled', value: { ok: true } });
    };
    await publishAt('2026-01-20T10:00:00.000Z', 8 * 60, 1);
    await publishAt('2026-01-31T23:59:59.000Z', 60, 2);
    await publishAt('2026-02-01T00:00:00.000Z', 8 * 60, 3);
    await publishAt('2026-03-15T09:00:00.000Z', 10 * 60, 4);
    const seen: ThresholdSeen[] = await platformEvents(database.db, account.id, 'usage.threshold');
    expect(
      seen.map((e) => [e.data.period_start.slice(0, 10), e.data.threshold_percent, e.data.minutes_used]),
    ).toEqual([
      ['2026-01-01', 75, 8],
      ['2026-01-01', 90, 9],
      ['2026-02-01', 75, 8],
      ['2026-03-01', 75, 10],
      ['2026-03-01', 90, 10],
      ['2026-03-01', 100, 10],
    ]);
    expect(seen.at(-1)!.data.period_end).toBe('2026-04-01T00:00:00.000Z');
    const admin = await t.call('PATCH', `/v1/accounts/${account.id}`, ADMIN_TOKEN, {});
    expect(admin.body).toMatchObject({ plan: { name: 'Starter' } });
    const { rows } = await database.db.query<{ plan_period_start: Date }>(
      'select plan_period_start from accounts where id = $1',
      [account.id],
    );
    expect(rows[0]!.plan_period_start.toISOString()).toBe('2026-03-01T00:00:00.000Z');
  });

  it('refuses a plan whose period runs backwards, and writes nothing', async () => {
    const bad = await t.call('POST', '/v1/accounts', ADMIN_TOKEN, {
      name: 'Backwards',
      plan: {
        name: 'x',
        minutes_included: 1,
        period_start: '2026-02-01T00:00:00Z',
        period_end: '2026-01-01T00:00:00Z',
      },
    });
    expect(bad.status).toBe(422);
    expect(bad.body).toMatchObject({ code: 'invalid_plan' });
    const { rows } = await database.db.query<{ n: number }>(
      "select count(*)::int as n from accounts where name = 'Backwards'",
    );
    expect(rows[0]!.n).toBe(0);
    expect(
      (await t.call('PATCH', '/v1/accounts/acct_nope', ADMIN_TOKEN, { trial_ends_at: null })).status,
    ).toBe(404);
    const account = await t.createAccount();
    expect(
      (await t.call('PATCH', `/v1/accounts/${account.id}`, account.api_key, { trial_ends_at: null })).status,
    ).toBe(403);
  });
});
