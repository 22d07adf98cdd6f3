import { gzipSync } from 'node:zlib';
import { sampleData } from '@bookflow/events';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { insertEvents } from '../support/bulk-events.ts';
import { BACKENDS, countByStatus, openTestDatabase, type TestDatabase } from '../support/databases.ts';
import { eventually, testPlatform } from '../support/platform.ts';
import { type Reply, startReceiver, type TestReceiver } from '../support/receiver.ts';
import { faultSeed, seededDraw } from '../support/seeded-random.ts';

const EVENTS = 30;
const SCHEDULE = [10, 10, 10, 10];

/** Answers a hostile receiver may give; POISON bodies are refused by a constraint the test adds. */
const ANSWERS: Reply[] = [
  { status: 200, bytes: Buffer.from('ok\u0000') },
  { status: 200, bytes: Buffer.from([0xff, 0xfe, 0xfd]) },
  { status: 200, bytes: gzipSync('{"ok":true}'), headers: { 'content-encoding': 'gzip' } },
  { status: 500, bytes: Buffer.from(Array.from({ length: 20_000 }, (_, i) => (i * 131) % 256)) },
  { status: 500, bytes: Buffer.from([0x61, 0xed, 0xa0, 0x80]) },
  { status: 503, bytes: Buffer.alloc(16_384) },
  { status: 200, reset: true },
  { status: 200, body: 'POISON' },
  { status: 500, body: 'POISON' },
  { status: 200, body: 'fine' },
];

describe.each(BACKENDS)('attempt numbers under hostile answers (%s)', (backend) => {
  let database: TestDatabase;
  let t: Awaited<ReturnType<typeof testPlatform>>;
  let receiver: TestReceiver;
  const seed = faultSeed();

  beforeEach(async () => {
    database = await openTestDatabase(backend);
    await database.db.query(
      `alter table delivery_attempts add constraint test_refuses_poison
         check (response_body is null or position('POISON' in response_body) = 0)`,
    );
    t = await testPlatform(database.db, {
      retryScheduleMs: SCHEDULE,
      totalTimeoutMs: 10_000,
      leaseMs: 60_000,
    });
    receiver = await startReceiver((req) => {
      const event = Number.parseInt(String(req.headers['x-bookflow-event-id']).slice(0, 8), 16);
      const attempt = Number(req.headers['x-bookflow-attempt']);
      return ANSWERS[Math.floor(seededDraw(seed, event, attempt) * ANSWERS.length)]!;
    });
  });

  afterEach(async () => {
    await t.platform.stop();
    await receiver.close();
    await database.close();
  });

  it('strictly increase per delivery, every attempt is recorded once, and no delivery is stuck', async () => {
    console.log(`hostile answers: FAULT_SEED=${seed}`);
    const account = await t.createAccount();
    await t.createEndpoint(account.api_key, receiver.url);
    await insertEvents(database.db, {
      accountId: account.id,
      type: 'meeting.booked',
      data: sampleData('meeting.booked'),
      count: EVENTS,
    });

    const counts = await eventually(async () => {
      const c = await countByStatus(database.db);
      return (c.succeeded ?? 0) + (c.dead ?? 0) === EVENTS ? c : null;
    }, 100_000);
    // Settled means none is pending, delivering or held: nothing is stuck.
    expect((counts.succeeded ?? 0) + (counts.dead ?? 0)).toBe(EVENTS);

    const seen = new Map<string, number[]>();
    for (const q of receiver.requests) {
      const id = String(q.headers['x-bookflow-event-id']);
      seen.set(id, [...(seen.get(id) ?? []), Number(q.headers['x-bookflow-attempt'])]);
    }
    const { rows } = await database.db.query<{
      event_id: string;
      status: string;
      attempt_count: number;
      numbers: number[];
      outcomes: string[];
      kinds: Array<string | null>;
    }>(
      `select d.event_id, d.status, d.attempt_count,
              array_agg(a.attempt_number order by a.id) as numbers, array_agg(a.outcome order by a.id) as outcomes,
              array_agg(a.error_kind order by a.id) as kinds
         from deliveries d join delivery_attempts a on a.delivery_id = d.id
        group by d.id`,
    );
    expect(rows).toHaveLength(EVENTS);
    const recorded = rows.reduce((n, d) => n + d.numbers.length, 0);
    console.log(
      `hostile answers: ${EVENTS} deliveries, ${receiver.requests.length} requests, ${recorded} attempts recorded, ${JSON.stringify(counts)}`,
    );
    for (const d of rows) {
      const label = `event ${d.event_id} (seed ${seed})`;
      expect(d.numbers, label).toEqual(Array.from({ length: d.attempt_count }, (_, i) => i + 1));
      expect(d.status === 'succeeded', label).toBe(d.outcomes.at(-1) === 'succeeded');
      expect(
        d.outcomes.slice(0, -1).every((o) => o === 'failed'),
        label,
      ).toBe(true);
      if (d.status === 'dead') expect(d.attempt_count, label).toBe(SCHEDULE.length + 1);
      // A reset can cost a request that never reached the receiver, never one recorded twice.
      const arrived = seen.get(d.event_id) ?? [];
      expect(arrived.length, label).toBeLessThanOrEqual(d.attempt_count);
      expect(new Set(arrived).size, `${label}: saw ${arrived}`).toBe(arrived.length);
      // Sent in increasing order: a number arrives after a higher one only if its attempt timed out
      // (a busy machine can deliver a timed-out request's bytes late), never otherwise.
      for (let i = 1; i < arrived.length; i++) {
        const late = arrived[i]!;
        if (late > arrived[i - 1]!) continue;
        expect(d.kinds[late - 1], `${label}: saw ${arrived}`).toBe('timeout');
      }
    }
  }, 120_000);
});
