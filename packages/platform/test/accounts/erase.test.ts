import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { sampleData } from '@bookflow/events';
import type { Queryable } from '@bookflow/pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BACKENDS, openTestDatabase, type TestDatabase } from '../support/databases.ts';
import { ADMIN_TOKEN, eventually, testPlatform } from '../support/platform.ts';
import { startReceiver, type TestReceiver } from '../support/receiver.ts';

/** An endpoint that keeps every request open until release(), then answers `status`. */
async function startGatedReceiver(status: number) {
  let open: Array<() => void> = [];
  let released = false;
  const server: Server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      const answer = () => {
        res.writeHead(status);
        res.end('bye');
      };
      if (released) answer();
      else open.push(answer);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`,
    waiting: () => open.length,
    release() {
      released = true;
      for (const answer of open) answer();
      open = [];
    },
    close: () => {
      server.closeAllConnections();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** Every row of every table of the schema, as text, that contains one of `needles`. */
async function rowsMentioning(db: Queryable, needles: string[]): Promise<string[]> {
  const { rows: tables } = await db.query<{ table_name: string }>(
    `select table_name from information_schema.tables
      where table_schema = current_schema() and table_type = 'BASE TABLE' order by table_name`,
  );
  expect(tables.map((t) => t.table_name)).toContain('delivery_attempts');
  const found: string[] = [];
  for (const { table_name } of tables) {
    const { rows } = await db.query<{ row: string }>(`select t::text as row from "${table_name}" t`);
    for (const { row } of rows) {
      if (needles.some((n) => row.includes(n))) found.push(`${table_name}: ${row.slice(0, 200)}`);
    }
  }
  return found;
}

type Receipt = { account_id: string; erased: Record<string, number> };

describe.each(BACKENDS)('account erasure (%s)', (backend) => {
  let database: TestDatabase;
  let t: Awaited<ReturnType<typeof testPlatform>>;
  let ok: TestReceiver;

  beforeAll(async () => {
    database = await openTestDatabase(backend);
    // Failures retry after 10 minutes: a failed delivery stays pending while the test runs.
    t = await testPlatform(database.db, { retryScheduleMs: [600_000] });
    ok = await startReceiver();
  });

  afterAll(async () => {
    await t.platform.stop();
    await ok.close();
    await database.close();
  });

  /** An account with endpoints, a rotated secret, two keys, events (some with Idempotency-Key) and deliveries in every state. */
  async function populatedAccount() {
    const account = await t.createAccount();
    const delivered = await t.createEndpoint(account.api_key, ok.url);
    await t.call('POST', `/v1/endpoints/${delivered.id}/rotate-secret`, account.api_key, {});
    const secondKey = (await t.call('POST', '/v1/api-keys', account.api_key, { name: 'ci' })).body as {
      id: string;
    };
    for (let i = 0; i < 4; i += 1) {
      await t.publish(account.api_key, 'meeting.booked', sampleData('meeting.booked', { seed: i }), {
        'idempotency-key': `key-${account.id}-${i}`,
      });
    }
    await t.publish(account.api_key, 'meeting.booked', sampleData('meeting.booked', { seed: 9 }));
    await eventually(async () => (await succeededOf(account.id)) === 5);
    return { ...account, delivered, secondKey };
  }

  async function succeededOf(accountId: string): Promise<number> {
    const { rows } = await database.db.query<{ n: number }>(
      `select count(*)::int as n from deliveries where account_id = $1 and status = 'succeeded'`,
      [accountId],
    );
    return rows[0]!.n;
  }

  async function mentionsOf(accountId: string): Promise<string[]> {
    const ids = await database.db.query<{ id: string }>(
      `select id::text as id from endpoints where account_id = $1
       union all select id::text from events where account_id = $1
       union all select id::text from deliveries where account_id = $1
       union all select id from api_keys where account_id = $1
       union all select key_hash from api_keys where account_id = $1`,
      [accountId],
    );
    return [accountId, ...ids.rows.map((r) => r.id)];
  }

  it('DELETE /v1/account erases every row of the account, in flight deliveries included, and answers a receipt', async () => {
    const doomed = await populatedAccount();
    const control = await populatedAccount();
    // In flight at erasure time: one attempt that will succeed, one that will fail.
    const willSucceed = await startGatedReceiver(200);
    const willFail = await startGatedReceiver(500);
    try {
      const gatedOk = await t.createEndpoint(doomed.api_key, willSucceed.url, ['call.ended']);
      const gatedFail = await t.createEndpoint(doomed.api_key, willFail.url, ['call.ended']);
      await t.publish(doomed.api_key, 'call.ended', sampleData('call.ended'));
      await eventually(async () => willSucceed.waiting() === 1 && willFail.waiting() === 1);

      const needles = await mentionsOf(doomed.id);
      expect(needles).toEqual(expect.arrayContaining([gatedOk.id, gatedFail.id, doomed.secondKey.id]));
      expect((await rowsMentioning(database.db, needles)).length).toBeGreaterThan(0);
      const controlBefore = await rowsMentioning(database.db, await mentionsOf(control.id));

      // The confirmation must name the account; a wrong or missing one erases nothing.
      const wrong = await t.call('DELETE', '/v1/account', doomed.api_key, { confirm: control.id });
      expect(wrong.status).toBe(422);
      expect(wrong.body).toMatchObject({ code: 'confirmation_mismatch' });
      expect((await t.call('DELETE', '/v1/account', doomed.api_key)).status).toBe(400);
      expect((await t.call('DELETE', '/v1/account', doomed.api_key, {})).status).toBe(400);
      expect((await t.call('GET', '/v1/account', doomed.api_key)).status).toBe(200);

      const res = await t.call('DELETE', '/v1/account', doomed.api_key, { confirm: doomed.id });
      expect(res.status).toBe(200);
      const receipt = res.body as Receipt;
      expect(receipt.account_id).toBe(doomed.id);
      expect(receipt.erased).toEqual({
        accounts: 1,
        api_keys: 2,
        endpoints: 3,
        endpoint_secrets: 4,
        events: 6,
        idempotency_keys: 4,
        deliveries: 7,
        delivery_attempts: 5,
      });

      // The workers finish the attempts that were on the wire; recording them re-creates nothing.
      willSucceed.release();
      willFail.release();
      await eventually(async () => {
        const { rows } = await database.db.query<{ n: number }>(
          `select count(*)::int as n from deliveries where status = 'delivering'`,
        );
        return rows[0]!.n === 0;
      });
      // One more success of the control account passes through the same batch path afterwards.
      await t.publish(control.api_key, 'meeting.booked', sampleData('meeting.booked', { seed: 42 }));
      await eventually(async () => (await succeededOf(control.id)) === 6);

      expect(await rowsMentioning(database.db, needles)).toEqual([]);
      // Recording attempts of erased deliveries is a lost lease, not an error.
      const errors = t.logs.lines.filter((line) => (JSON.parse(line) as { level: number }).level >= 50);
      expect(errors).toEqual([]);
      expect((await t.call('GET', '/v1/account', doomed.api_key)).status).toBe(401);
      // The other account lost nothing.
      const controlAfter = await rowsMentioning(database.db, await mentionsOf(control.id));
      expect(controlAfter.length).toBe(controlBefore.length + 3);
      expect((await t.call('GET', '/v1/endpoints', control.api_key)).body).toMatchObject({
        data: [{ id: control.delivered.id }],
      });
    } finally {
      willSucceed.release();
      willFail.release();
      await willSucceed.close();
      await willFail.close();
    }
  });

  it('DELETE /v1/accounts/{id} does the same with the admin token', async () => {
    const doomed = await populatedAccount();
    const needles = await mentionsOf(doomed.id);
    expect(
      (await t.call('DELETE', `/v1/accounts/${doomed.id}`, doomed.api_key, { confirm: doomed.id })).status,
    ).toBe(403);
    const mismatch = await t.call('DELETE', `/v1/accounts/${doomed.id}`, ADMIN_TOKEN, {
      confirm: 'acct_other',
    });
    expect(mismatch.status).toBe(422);
    const res = await t.call('DELETE', `/v1/accounts/${doomed.id}`, ADMIN_TOKEN, { confirm: doomed.id });
    expect(res.status).toBe(200);
    expect((res.body as Receipt).erased).toMatchObject({
      accounts: 1,
      api_keys: 2,
      events: 5,
      deliveries: 5,
    });
    expect(await rowsMentioning(database.db, needles)).toEqual([]);
    const again = await t.call('DELETE', `/v1/accounts/${doomed.id}`, ADMIN_TOKEN, { confirm: doomed.id });
    expect(again.status).toBe(404);
  });
});
