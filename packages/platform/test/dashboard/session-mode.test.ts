import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BACKENDS, openTestDatabase, type TestDatabase } from '../support/databases.ts';
import { testPlatform } from '../support/platform.ts';

function sessionCookie(headers: Record<string, unknown>): string {
  const raw = headers['set-cookie'];
  const header = (Array.isArray(raw) ? raw : [raw]).find((c) => String(c).startsWith('bookflow_session='));
  if (!header) throw new Error('no session cookie set');
  return String(header).split(';')[0]!.split('=')[1]!;
}

describe.each(BACKENDS)('dashboard test-mode switch (%s)', (backend) => {
  let database: TestDatabase;
  let t: Awaited<ReturnType<typeof testPlatform>>;

  beforeAll(async () => {
    database = await openTestDatabase(backend);
    t = await testPlatform(database.db);
  });
  afterAll(async () => {
    await t.platform.stop();
    await database.close();
  });

  async function signIn(apiKey: string) {
    const res = await t.call('POST', '/v1/dashboard/sessions', null, { api_key: apiKey });
    expect(res.status).toBe(201);
    const cookie = sessionCookie(res.headers);
    const csrf = (res.body as { csrf_token: string }).csrf_token;
    const headers = (withCsrf = true) => ({
      cookie: `bookflow_session=${cookie}`,
      ...(withCsrf ? { 'x-csrf-token': csrf } : {}),
    });
    return { headers, body: res.body as { account_id: string; mode: string } };
  }

  const hook = { url: 'http://127.0.0.1:9/hook', event_types: ['meeting.booked'] };
  const urls = (res: { body: unknown }) =>
    (res.body as { data: Array<{ url: string }> }).data.map((e) => e.url);

  it('switching to test makes test data the live key never sees; switching back shows live data', async () => {
    const account = await t.createAccount({ name: 'Acme' });
    const session = await signIn(account.api_key);
    expect(session.body.mode).toBe('live');

    const toTest = await t.call(
      'POST',
      '/v1/dashboard/session/mode',
      null,
      { mode: 'test' },
      session.headers(),
    );
    expect(toTest.status).toBe(200);
    const twin = toTest.body as { account_id: string; account_name: string; mode: string };
    expect(twin).toMatchObject({ mode: 'test', account_name: 'Acme' });
    expect(twin.account_id).not.toBe(account.id);
    const shown = await t.call('GET', '/v1/dashboard/session', null, undefined, session.headers(false));
    expect(shown.body).toMatchObject({ account_id: twin.account_id, mode: 'test' });

    const created = await t.call(
      'POST',
      '/v1/endpoints',
      null,
      { ...hook, url: 'http://127.0.0.1:9/test' },
      session.headers(),
    );
    expect(created.status).toBe(201);
    expect(urls(await t.call('GET', '/v1/endpoints', null, undefined, session.headers(false)))).toEqual([
      'http://127.0.0.1:9/test',
    ]);
    expect(urls(await t.call('GET', '/v1/endpoints', account.api_key))).toEqual([]);
    // The twin is the one test keys use: a test key made by the live key sees the session's data.
    const testKey = (await t.call('POST', '/v1/api-keys', account.api_key, { mode: 'test' })).body as {
      key: string;
    };
    expect(urls(await t.call('GET', '/v1/endpoints', testKey.key))).toEqual(['http://127.0.0.1:9/test']);

    // Switching to test again keeps the same twin.
    const again = await t.call(
      'POST',
      '/v1/dashboard/session/mode',
      null,
      { mode: 'test' },
      session.headers(),
    );
    expect((again.body as { account_id: string }).account_id).toBe(twin.account_id);

    const back = await t.call(
      'POST',
      '/v1/dashboard/session/mode',
      null,
      { mode: 'live' },
      session.headers(),
    );
    expect(back.body).toMatchObject({ account_id: account.id, mode: 'live' });
    await t.call('POST', '/v1/endpoints', account.api_key, { ...hook, url: 'http://127.0.0.1:9/live' });
    expect(urls(await t.call('GET', '/v1/endpoints', null, undefined, session.headers(false)))).toEqual([
      'http://127.0.0.1:9/live',
    ]);
  });

  it('a session signed in with a test key stays in test mode: live data needs a live key', async () => {
    const other = await t.createAccount({ name: 'Other' });
    const account = await t.createAccount({ name: 'Mine' });
    const testKey = (await t.call('POST', '/v1/api-keys', account.api_key, { mode: 'test' })).body as {
      key: string;
    };
    const session = await signIn(testKey.key);
    expect(session.body.mode).toBe('test');
    const live = await t.call(
      'POST',
      '/v1/dashboard/session/mode',
      null,
      { mode: 'live' },
      session.headers(),
    );
    expect(live.status).toBe(403);
    expect(live.body).toMatchObject({ code: 'live_key_required' });
    // Still in test mode, and no account was touched by the refused switch.
    const still = await t.call('GET', '/v1/dashboard/session', null, undefined, session.headers(false));
    expect(still.body).toMatchObject({ mode: 'test' });
    expect((still.body as { account_id: string }).account_id).not.toBe(account.id);
    const twins = await database.db.query('select id from accounts where live_account_id = $1', [other.id]);
    expect(twins.rows).toEqual([]);
    // Switching to test (where it already is) is allowed.
    const test = await t.call(
      'POST',
      '/v1/dashboard/session/mode',
      null,
      { mode: 'test' },
      session.headers(),
    );
    expect(test.status).toBe(200);
  });

  it('refuses a switch without the CSRF token, with an API key, or with a body it does not know', async () => {
    const account = await t.createAccount();
    const session = await signIn(account.api_key);
    const noCsrf = await t.call(
      'POST',
      '/v1/dashboard/session/mode',
      null,
      { mode: 'test' },
      session.headers(false),
    );
    expect(noCsrf.status).toBe(403);
    expect((noCsrf.body as { code: string }).code).toBe('csrf_token_invalid');

    const byKey = await t.call('POST', '/v1/dashboard/session/mode', account.api_key, { mode: 'test' });
    expect(byKey.status).toBe(401);
    expect(byKey.body).toMatchObject({
      code: 'unauthorized',
      detail: expect.stringMatching(/bound to its mode/),
    });

    for (const body of [{ mode: 'sandbox' }, {}, { mode: 'test', account_id: account.id }]) {
      const bad = await t.call('POST', '/v1/dashboard/session/mode', null, body, session.headers());
      expect(bad.status).toBe(400);
    }
    // Nothing of the refusals made a twin or moved the session.
    const twins = await database.db.query('select id from accounts where live_account_id = $1', [account.id]);
    expect(twins.rows).toEqual([]);
    const shown = await t.call('GET', '/v1/dashboard/session', null, undefined, session.headers(false));
    expect(shown.body).toMatchObject({ account_id: account.id, mode: 'live' });
  });
});
