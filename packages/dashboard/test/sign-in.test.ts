import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { ADMIN_TOKEN } from '../../platform/test/support/platform.ts';
import {
  type DashboardPlatform,
  describeInBrowser,
  launchBrowser,
  newContext,
  seriousViolations,
  signInWithKey,
} from './support/browser.ts';

describeInBrowser('dashboard sign-in, sessions and isolation (chromium)', { timeout: 180_000 }, () => {
  let p: DashboardPlatform;
  let browser: Browser;

  beforeAll(async () => {
    const { startDashboardPlatform } = await import('./support/browser.ts');
    p = await startDashboardPlatform();
    browser = await launchBrowser();
  }, 180_000);
  afterAll(async () => {
    await browser?.close();
    await p?.stop();
  });

  it('signs in with a pasted API key: an HttpOnly SameSite=Strict cookie, nothing in web storage', async () => {
    const account = await p.createAccount();
    const { context, problems } = await newContext(browser);
    const signIn = await context.newPage();
    await signIn.goto(`${p.base}/`);
    expect(await seriousViolations(signIn)).toEqual([]);
    await signIn.close();

    const page = await signInWithKey(context, p.base, account.api_key);
    const cookies = await context.cookies();
    const session = cookies.find((c) => c.name === 'bookflow_session');
    expect(session).toMatchObject({ httpOnly: true, sameSite: 'Strict', path: '/' });
    expect(session!.value).not.toContain(account.api_key);
    const storage = await page.evaluate(
      () => JSON.stringify({ ...localStorage }) + JSON.stringify({ ...sessionStorage }),
    );
    expect(storage).not.toContain(account.api_key);
    expect(storage).not.toContain(session!.value);
    expect(await page.evaluate(() => document.cookie)).not.toContain('bookflow_session');

    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByLabel('API key').waitFor({ timeout: 30_000 });
    const after = await context.request.get(`${p.base}/v1/account`);
    expect(after.status()).toBe(401);
    expect(problems).toEqual([]);
    await context.close();
  });

  it('the admin token and an unknown key do not sign in', async () => {
    const { context } = await newContext(browser);
    const page = await context.newPage();
    await page.goto(`${p.base}/`);
    for (const key of [ADMIN_TOKEN, 'bfk_not-a-key']) {
      await page.getByLabel('API key').fill(key);
      await page.getByRole('button', { name: 'Sign in' }).click();
      await page.getByRole('alert').waitFor({ timeout: 30_000 });
    }
    expect(await page.getByRole('alert').textContent()).toMatch(/unknown or revoked/);
    expect((await context.cookies()).find((c) => c.name === 'bookflow_session')).toBeUndefined();
    await context.close();
  });

  it('a one-time sign-in link signs in once; reused and expired links are refused', async () => {
    const account = await p.createAccount();
    const link = async () => {
      const res = await p.call('POST', '/v1/dashboard-links', account.api_key);
      return (res.body as { url: string }).url.replace(/^https?:\/\/[^/]+/, p.base);
    };
    const url = await link();
    const first = await newContext(browser);
    const page = await first.context.newPage();
    await page.goto(url);
    await page.getByRole('heading', { name: 'Integrations', level: 1 }).waitFor({ timeout: 30_000 });
    expect(page.url()).not.toContain('token=');

    const second = await newContext(browser);
    const reused = await second.context.newPage();
    await reused.goto(url);
    await reused.getByText(/already used/).waitFor({ timeout: 30_000 });
    expect((await second.context.cookies()).find((c) => c.name === 'bookflow_session')).toBeUndefined();

    const late = await link();
    await p.database.db.query(
      "update dashboard_links set expires_at = now() - interval '1 second' where used_at is null",
    );
    const expired = await second.context.newPage();
    await expired.goto(late);
    await expired.getByText(/has expired/).waitFor({ timeout: 30_000 });
    await first.context.close();
    await second.context.close();
  });

  it("A's session sees none of B's things: B's ids answer 404 with A's cookie, and CSRF is required", async () => {
    const a = await p.createAccount();
    const b = await p.createAccount();
    const epB = await p.createEndpoint(b.api_key, 'http://127.0.0.1:9/hook');
    const published = await p.publish(
      b.api_key,
      'meeting.booked',
      (await import('@bookflow/events')).sampleData('meeting.booked'),
    );
    const eventB = (published.body as { id: string }).id;
    const deliveries = await p.call('GET', `/v1/events/${eventB}/deliveries`, b.api_key);
    const deliveryB = (deliveries.body as { data: Array<{ id: string }> }).data[0]!.id;

    const { context } = await newContext(browser);
    const page = await signInWithKey(context, p.base, a.api_key);
    const csrf = await page.evaluate(async () => {
      const res = await fetch('/v1/dashboard/session');
      return ((await res.json()) as { csrf_token: string }).csrf_token;
    });
    // The API calls the page makes, replayed from the page with A's cookie against B's ids.
    const statuses = await page.evaluate(
      async ({ epB, eventB, deliveryB, csrf }) => {
        const call = async (method: string, url: string, body?: unknown) =>
          (
            await fetch(url, {
              method,
              headers: { 'x-csrf-token': csrf, ...(body ? { 'content-type': 'application/json' } : {}) },
              ...(body ? { body: JSON.stringify(body) } : {}),
            })
          ).status;
        return {
          getEndpoint: await call('GET', `/v1/endpoints/${epB}`),
          patchEndpoint: await call('PATCH', `/v1/endpoints/${epB}`, { enabled: false }),
          rotate: await call('POST', `/v1/endpoints/${epB}/rotate-secret`, { overlap_seconds: 0 }),
          test: await call('POST', `/v1/endpoints/${epB}/test`, { type: 'meeting.booked' }),
          deleteEndpoint: await call('DELETE', `/v1/endpoints/${epB}`),
          getEvent: await call('GET', `/v1/events/${eventB}`),
          getDelivery: await call('GET', `/v1/deliveries/${deliveryB}`),
          replay: await call('POST', `/v1/deliveries/${deliveryB}/replay`),
          stats: await call('GET', `/v1/stats?endpoint_id=${epB}`),
        };
      },
      { epB: epB.id, eventB, deliveryB, csrf },
    );
    expect(statuses).toEqual({
      getEndpoint: 404,
      patchEndpoint: 404,
      rotate: 404,
      test: 404,
      deleteEndpoint: 404,
      getEvent: 404,
      getDelivery: 404,
      replay: 404,
      stats: 404,
    });
    const stillThere = await p.call('GET', `/v1/endpoints/${epB.id}`, b.api_key);
    expect((stillThere.body as { enabled: boolean }).enabled).toBe(true);

    // Without the CSRF token, the same cookie changes nothing, even in A's own account.
    const noCsrf = await page.evaluate(async () => {
      const res = await fetch('/v1/endpoints', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ url: 'http://127.0.0.1:9/x', event_types: ['meeting.booked'] }),
      });
      return { status: res.status, code: ((await res.json()) as { code: string }).code };
    });
    expect(noCsrf).toEqual({ status: 403, code: 'csrf_token_invalid' });
    const mine = await p.call('GET', '/v1/endpoints', a.api_key);
    expect((mine.body as { data: unknown[] }).data).toHaveLength(0);
    await context.close();
  });

  it('the header switch moves to test mode: a banner, test destinations only, gone again in live mode', async () => {
    const account = await p.createAccount();
    const { context, problems } = await newContext(browser);
    const page = await signInWithKey(context, p.base, account.api_key);
    const toggle = page.getByRole('switch', { name: 'Test mode' });
    expect(await toggle.isChecked()).toBe(false);
    // Reached and flipped from the keyboard, as a keyboard user would.
    await toggle.focus();
    await page.keyboard.press('Space');
    const banner = page.getByText('Test mode: data here never reaches live endpoints');
    await banner.waitFor({ timeout: 30_000 });
    expect(await toggle.isChecked()).toBe(true);

    const url = 'http://127.0.0.1:9/test-mode-hook';
    await page.getByLabel('Destination URL for meeting.booked').fill(url);
    await page
      .locator('li.type-row')
      .filter({ has: page.getByRole('heading', { name: 'meeting.booked', exact: true }) })
      .getByRole('button', { name: 'Add destination' })
      .click();
    await page.getByText('Signing secret (shown once)').waitFor({ timeout: 30_000 });
    await page.getByRole('button', { name: 'I have saved it' }).click();
    await page.getByRole('link', { name: url }).first().waitFor({ timeout: 30_000 });
    expect(await seriousViolations(page)).toEqual([]);
    // Test data: the live key does not see it.
    const liveList = await p.call('GET', '/v1/endpoints', account.api_key);
    expect((liveList.body as { data: unknown[] }).data).toEqual([]);

    await toggle.click();
    await banner.waitFor({ state: 'detached', timeout: 30_000 });
    await page.getByText('No endpoints yet: add one for meeting.booked.').waitFor({ timeout: 30_000 });
    expect(await page.getByRole('link', { name: url }).count()).toBe(0);
    expect(await toggle.isChecked()).toBe(false);
    expect(await seriousViolations(page)).toEqual([]);
    expect(problems).toEqual([]);
    await context.close();
  });
});
