import { sampleData } from '@bookflow/events';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BACKENDS, openTestDatabase, type TestDatabase } from '../support/databases.ts';
import { eventually, testPlatform } from '../support/platform.ts';

// Past BOOKFLOW_MAX_PENDING_PUBLISHES publishes held at once, one more is answered 429 overloaded
// with Retry-After at once, instead of waiting in a queue without bound; nothing accepted is lost.

const BOUND = 5;
const EXTRA = 3;

describe.each(BACKENDS)('publishes past the pending bound (%s)', (backend) => {
  let database: TestDatabase;
  let t: Awaited<ReturnType<typeof testPlatform>>;
  let key: string;

  beforeAll(async () => {
    database = await openTestDatabase(backend);
    t = await testPlatform(database.db, { roles: ['api'], maxPendingPublishes: BOUND });
    key = (await t.createAccount()).api_key;
    await t.createEndpoint(key, 'http://127.0.0.1:9/hook', ['meeting.booked']);
  });

  afterAll(async () => {
    await t.platform.stop();
    await database.close();
  });

  const publish = (i: number) =>
    t.publish(key, 'meeting.booked', sampleData('meeting.booked', { seed: i }), {
      'idempotency-key': `overload-${i}`,
    });

  it(`holds ${BOUND}, answers the ${EXTRA} beyond with 429 and Retry-After, and commits every one it held`, async () => {
    // The database is kept busy (a transaction holding the API keys' table), so the publishes
    // that got in wait in authentication, as they would behind a slow commit.
    let release!: () => void;
    const held = new Promise<void>((r) => {
      release = r;
    });
    let locked!: () => void;
    const isLocked = new Promise<void>((r) => {
      locked = r;
    });
    const busy = database.db.transaction(async (tx) => {
      await tx.query('lock table api_keys in access exclusive mode');
      locked();
      await held;
    });
    await isLocked;

    const answers: Array<{ status: number; body: unknown; headers: Record<string, unknown> }> = [];
    const all = Array.from({ length: BOUND + EXTRA }, (_, i) =>
      publish(i).then((r) => {
        answers.push(r);
        return r;
      }),
    );
    await eventually(async () => answers.length === EXTRA);
    for (const a of answers) {
      expect(a.status).toBe(429);
      expect(a.body).toMatchObject({ code: 'overloaded', status: 429 });
      expect(Number(a.headers['retry-after'])).toBeGreaterThan(0);
    }

    release();
    await busy;
    const settled = await Promise.all(all);
    expect(settled.filter((r) => r.status === 202)).toHaveLength(BOUND);
    expect(settled.filter((r) => r.status === 429)).toHaveLength(EXTRA);
    const { rows } = await database.db.query<{ n: number }>(
      `select count(*)::int as n from events where idempotency_key like 'overload-%'`,
    );
    expect(rows[0]!.n).toBe(BOUND);

    // Room again once answered: the refused ones go through on retry, each accepted once.
    const refused = settled.flatMap((r, i) => (r.status === 429 ? [i] : []));
    const retried = await Promise.all(refused.map((i) => publish(i)));
    expect(retried.map((r) => r.status)).toEqual(refused.map(() => 202));
    const after = await database.db.query<{ n: number }>(
      `select count(*)::int as n from events where idempotency_key like 'overload-%'`,
    );
    expect(after.rows[0]!.n).toBe(BOUND + EXTRA);
  });
});
