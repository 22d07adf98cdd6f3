import { sampleData } from '@bookflow/events';
import type { Queryable } from '@bookflow/pg';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { publishProblem } from '../../src/api/routes/event-problems.ts';
import { ApiError } from '../../src/errors/catalogue.ts';
import type { PublishInput } from '../../src/events/publish.ts';
import { PublishBatcher } from '../../src/events/publish-batcher.ts';
import { BACKENDS, openTestDatabase, type TestDatabase } from '../support/databases.ts';
import { testPlatform } from '../support/platform.ts';

// A row the database itself refuses, as a real engine does (the API refuses NUL before this point,
// so the refusal is made by a trigger): any event whose body carries the marker.
const POISON = 'poison-0b9f';
const REFUSE_POISON = [
  `create function refuse_poison() returns trigger language plpgsql as $$
   begin
     if new.body like '%${POISON}%' then
       raise exception 'poisoned row' using errcode = '22023';
     end if;
     return new;
   end $$`,
  'create trigger refuse_poison before insert on events for each row execute function refuse_poison()',
];

async function counts(db: Queryable) {
  const { rows } = await db.query<{ events: number; deliveries: number; poisoned: number; orphans: number }>(
    `select (select count(*)::int from events) as events,
            (select count(*)::int from deliveries) as deliveries,
            (select count(*)::int from events where body like $1) as poisoned,
            (select count(*)::int from events e where not exists (select 1 from deliveries d where d.event_id = e.id)) as orphans`,
    [`%${POISON}%`],
  );
  return rows[0]!;
}

function deferred() {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

describe.each(BACKENDS)('one refused publish never fails the others (%s)', (backend) => {
  let database: TestDatabase;
  const accountId = 'acct_isolation';

  beforeAll(async () => {
    database = await openTestDatabase(backend);
    for (const sql of REFUSE_POISON) await database.db.query(sql);
    await database.db.query(`insert into accounts (id, name) values ($1, 'Isolation')`, [accountId]);
    await database.db.query(
      `insert into endpoints (id, account_id, url, event_types) values ('ep_isolation', $1, 'https://example.com/h', '{meeting.booked}')`,
      [accountId],
    );
  });

  beforeEach(async () => {
    await database.db.query('delete from deliveries');
    await database.db.query('delete from events');
  });

  afterAll(async () => {
    await database.close();
  });

  const input = (i: number, summary = `summary ${i}`): PublishInput => ({
    accountId,
    type: 'meeting.booked',
    data: { ...(sampleData('meeting.booked', { seed: i }) as object), summary },
  });

  /** The database, except that the first publish statement waits for `gate`, so the next ones queue into one batch. */
  function gatedDb(gate: Promise<void>) {
    const statements: number[] = [];
    const db: Queryable = {
      async query(sql, params) {
        if (sql.includes('insert into events')) {
          statements.push((params![0] as unknown[]).length);
          if (statements.length === 1) await gate;
        }
        return database.db.query(sql, params);
      },
      exec: (sql) => database.db.exec(sql),
    };
    return { db, statements };
  }

  it('the batch holding a refused row commits the rest; the refused one alone gets event_refused', async () => {
    const gate = deferred();
    const { db, statements } = gatedDb(gate.promise);
    const batcher = new PublishBatcher(db);
    const first = batcher.publish(input(0));
    const batch = Array.from({ length: 10 }, (_, i) =>
      batcher.publish(input(i + 1, i === 4 ? POISON : undefined)),
    );
    gate.resolve();
    const results = await Promise.all([first, ...batch]);

    // 1 lone statement, then the 10 queued ones together, refused as a whole, then each alone.
    expect(statements).toEqual([1, 10, ...Array(10).fill(1)]);
    expect(results.map((r) => r.ok)).toEqual([...Array(5).fill(true), false, ...Array(5).fill(true)]);
    const outcome = results[5]!;
    if (outcome.ok) throw new Error('the poisoned publish was accepted');
    const refused = publishProblem(outcome);
    expect(refused).toBeInstanceOf(ApiError);
    expect(refused).toMatchObject({ code: 'event_refused', status: 422 });
    expect(refused.detail).toContain('22023');
    expect(await counts(database.db)).toEqual({ events: 10, deliveries: 10, poisoned: 0, orphans: 0 });
  });

  it('a lone refused publish is event_refused too', async () => {
    const batcher = new PublishBatcher(database.db);
    await expect(batcher.publish(input(1, POISON))).resolves.toMatchObject({
      ok: false,
      reason: 'event_refused',
    });
    expect(await counts(database.db)).toEqual({ events: 0, deliveries: 0, poisoned: 0, orphans: 0 });
  });

  it('a database that is down is not the caller’s fault, and the batcher works again once it is back', async () => {
    let down = true;
    const flaky: Queryable = {
      async query(sql, params) {
        if (down) throw Object.assign(new Error('Connection terminated unexpectedly'), { code: undefined });
        return database.db.query(sql, params);
      },
      exec: (sql) => database.db.exec(sql),
    };
    const batcher = new PublishBatcher(flaky);
    const failed = await Promise.allSettled(Array.from({ length: 5 }, (_, i) => batcher.publish(input(i))));
    expect(failed.every((r) => r.status === 'rejected' && !(r.reason instanceof ApiError))).toBe(true);
    down = false;
    const later = await Promise.all(Array.from({ length: 5 }, (_, i) => batcher.publish(input(10 + i))));
    expect(later.every((r) => r.ok && r.created)).toBe(true);
    expect(await counts(database.db)).toMatchObject({ events: 5, deliveries: 5 });
  });

  it('over the API: 202 for every other concurrent publish, a problem+json 422 for the refused one', async () => {
    const t = await testPlatform(database.db, { roles: ['api'] });
    try {
      const key = (await t.createAccount()).api_key;
      await t.createEndpoint(key, 'https://example.com/hook', ['meeting.booked']);
      const before = await counts(database.db);
      const answers = await Promise.all(
        Array.from({ length: 40 }, (_, i) => {
          const data = sampleData('meeting.booked', { seed: 100 + i }) as object;
          return t.publish(key, 'meeting.booked', i === 17 ? { ...data, summary: POISON } : data);
        }),
      );
      expect(answers.filter((a) => a.status === 202)).toHaveLength(39);
      expect(answers[17]).toMatchObject({ status: 422, body: { code: 'event_refused' } });
      expect(String(answers[17]!.headers['content-type'])).toContain('application/problem+json');
      expect(await counts(database.db)).toEqual({
        events: before.events + 39,
        deliveries: before.deliveries + 39,
        poisoned: 0,
        orphans: 0,
      });
    } finally {
      await t.platform.stop();
    }
  });
});
