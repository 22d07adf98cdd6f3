import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BACKENDS, openTestDatabase, type TestDatabase } from '../support/databases.ts';
import { ADMIN_TOKEN, testPlatform } from '../support/platform.ts';

/** The cookie's value from a Set-Cookie header, and the header itself for its attributes. */
function sessionCookie(headers: Record<string, unknown>): { value: string; header: string } {
  const raw = headers['set-cookie'];
  const header = (Array.isArray(raw) ? raw : [raw]).find((c) => String(c).startsWith('bookflow_session='));
  if (!header) throw new Error('no session cookie set');
  return { value: String(header).split(';')[0]!.split('=')[1]!, header: String(header) };
}

describe.each(BACKENDS)('dashboard sessions (%s)', (backend) => {
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

  async function signIn(body: Record<string, string>) {
    const res = await t.call('POST', '/v1/dashboard/sessions', null, body);
    return res;
  }

  function withCookie(cookie: string, csrf?: string): Record<string, string> {
    return { cookie: `bookflow_session=${cookie}`, ...(csrf ? { 'x-csrf-token': csrf } : {}) };
  }

  it('an API key signs in: an HttpOnly SameSite=Strict cookie that then authenticates account routes', async () => {
    const account = await t.createAccount();
    const res = await signIn({ api_key: account.api_key });
    expect(res.status).toBe(201);
    expect((res.body as { account_id: string }).account_id).toBe(account.id);
    const cookie = sessionCookie(res.headers);
    expect(cookie.header).toMatch(/HttpOnly/i);
    expect(cookie.header).toMatch(/SameSite=Strict/i);
    expect(cookie.header).toMatch(/Path=\//);
    expect(cookie.value).not.toContain(account.api_key);

    const me = await t.call('GET', '/v1/account', null, undefined, withCookie(cookie.value));
    expect(me.status).toBe(200);
    expect((me.body as { id: string }).id).toBe(account.id);

    const stored = await database.db.query<{ token_hash: string }>(
      'select token_hash from dashboard_sessions',
    );
    expect(stored.rows.map((r) => r.token_hash)).not.toContain(cookie.value);
  });

  it('a state-changing request with the cookie needs the CSRF token; with the API key it does not', async () => {
    const account = await t.createAccount();
    const res = await signIn({ api_key: account.api_key });
    const cookie = sessionCookie(res.headers).value;
    const csrf = (res.body as { csrf_token: string }).csrf_token;
    const body = { url: 'http://127.0.0.1:9/hook', event_types: ['meeting.booked'] };

    const missing = await t.call('POST', '/v1/endpoints', null, body, withCookie(cookie));
    expect(missing.status).toBe(403);
    expect((missing.body as { code: string }).code).toBe('csrf_token_invalid');
    const wrong = await t.call('POST', '/v1/endpoints', null, body, withCookie(cookie, `${csrf}x`));
    expect(wrong.status).toBe(403);
    const listed = await t.call('GET', '/v1/endpoints', account.api_key);
    expect((listed.body as { data: unknown[] }).data).toHaveLength(0);

    const ok = await t.call('POST', '/v1/endpoints', null, body, withCookie(cookie, csrf));
    expect(ok.status).toBe(201);
    const byKey = await t.call('POST', '/v1/endpoints', account.api_key, body);
    expect(byKey.status).toBe(201);

    const session = await t.call('GET', '/v1/dashboard/session', null, undefined, withCookie(cookie));
    expect((session.body as { csrf_token: string }).csrf_token).toBe(csrf);
  });

  it('the admin token, an unknown key and a revoked session cannot sign in or act', async () => {
    const admin = await signIn({ api_key: ADMIN_TOKEN });
    expect(admin.status).toBe(401);
    expect(admin.headers['set-cookie']).toBeUndefined();
    expect((await signIn({ api_key: 'bfk_nope' })).status).toBe(401);
    expect((await t.call('POST', '/v1/dashboard/sessions', null, {})).status).toBe(400);

    const account = await t.createAccount();
    const res = await signIn({ api_key: account.api_key });
    const cookie = sessionCookie(res.headers).value;
    const csrf = (res.body as { csrf_token: string }).csrf_token;
    const refused = await t.call('DELETE', '/v1/dashboard/session', null, undefined, withCookie(cookie));
    expect(refused.status).toBe(403);
    const out = await t.call('DELETE', '/v1/dashboard/session', null, undefined, withCookie(cookie, csrf));
    expect(out.status).toBe(204);
    expect((await t.call('GET', '/v1/account', null, undefined, withCookie(cookie))).status).toBe(401);
  });

  it('a sign-in link signs in once, within its lifetime; reused and expired links are refused', async () => {
    const account = await t.createAccount();
    expect((await t.call('POST', '/v1/dashboard-links', null)).status).toBe(401);
    const created = await t.call('POST', '/v1/dashboard-links', account.api_key);
    expect(created.status).toBe(201);
    const { url } = created.body as { url: string };
    const token = new URL(url).hash.replace('#token=', '');
    expect(new URL(url).pathname).toBe('/sign-in');

    const first = await signIn({ link_token: token });
    expect(first.status).toBe(201);
    expect((first.body as { account_id: string }).account_id).toBe(account.id);
    const again = await signIn({ link_token: token });
    expect(again.status).toBe(401);
    expect((again.body as { code: string; detail: string }).code).toBe('sign_in_link_invalid');
    expect((again.body as { detail: string }).detail).toMatch(/already used/);

    const late = await t.call('POST', '/v1/dashboard-links', account.api_key);
    const lateToken = new URL((late.body as { url: string }).url).hash.replace('#token=', '');
    await database.db.query(
      "update dashboard_links set expires_at = now() - interval '1 second' where used_at is null",
    );
    const expired = await signIn({ link_token: lateToken });
    expect(expired.status).toBe(401);
    expect((expired.body as { detail: string }).detail).toMatch(/expired/);
    expect((await signIn({ link_token: 'bfl_unknown' })).status).toBe(401);
  });

  it('a session cannot mint sign-in links (API key only), and sessions go with an erased account', async () => {
    const account = await t.createAccount();
    const res = await signIn({ api_key: account.api_key });
    const cookie = sessionCookie(res.headers).value;
    const csrf = (res.body as { csrf_token: string }).csrf_token;
    const minted = await t.call('POST', '/v1/dashboard-links', null, undefined, withCookie(cookie, csrf));
    expect(minted.status).toBe(401);
    const erased = await t.call('DELETE', '/v1/account', account.api_key, { confirm: account.id });
    expect(erased.status).toBe(200);
    expect((await t.call('GET', '/v1/account', null, undefined, withCookie(cookie))).status).toBe(401);
  });
});
