import { sampleData } from '@bookflow/events';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { type Reply, startReceiver, type TestReceiver } from '../../platform/test/support/receiver.ts';
import {
  type DashboardPlatform,
  describeInBrowser,
  screenshot,
  seriousViolations,
  signedIn,
  until,
} from './support/browser.ts';

describeInBrowser(
  'dead letters, health, docs, notifications and endpoint controls (chromium)',
  { timeout: 300_000 },
  () => {
    let p: DashboardPlatform;
    let close: (() => Promise<void>) | undefined;
    let receiver: TestReceiver;
    let slack: TestReceiver;
    let reply: Reply = { status: 500, body: 'database is down' };
    let page: Page;
    let problems: string[];
    let account: { id: string; api_key: string };
    let endpoint: { id: string; secret: string };

    const deadCount = async () => {
      const res = await p.call(
        'GET',
        `/v1/deliveries?status=dead&endpoint_id=${endpoint.id}`,
        account.api_key,
      );
      return (res.body as { data: unknown[] }).data.length;
    };
    const publish = () => p.publish(account.api_key, 'meeting.booked', sampleData('meeting.booked'));

    beforeAll(async () => {
      ({ p, account, page, problems, close } = await signedIn('Acme'));
      receiver = await startReceiver(() => reply);
      slack = await startReceiver(() => ({ status: 200, body: 'ok' }));
      endpoint = await p.createEndpoint(account.api_key, receiver.url);
    }, 240_000);
    afterAll(async () => {
      await receiver?.close();
      await slack?.close();
      await close?.();
    });

    it('a delivery the receiver keeps refusing appears live in the dead letters; replaying it from the page succeeds', async () => {
      await page.getByRole('link', { name: 'Dead letters' }).click();
      await page.getByText(/No dead letters/).waitFor({ timeout: 30_000 });
      await publish();
      // No reload: the live stream refreshes the list when the last attempt fails.
      await page.locator('tbody tr').first().waitFor({ timeout: 60_000 });
      expect(await seriousViolations(page)).toEqual([]);
      await screenshot(page, 'dead-letters');

      reply = { status: 200, body: 'ok' };
      await page.locator('tbody input[type=checkbox]').first().check();
      await page.getByRole('button', { name: 'Replay selected (1)' }).click();
      await page.getByText('1 delivery queued for replay.').waitFor({ timeout: 30_000 });
      await until(async () => (await deadCount()) === 0);
      await page.getByText(/No dead letters/).waitFor({ timeout: 30_000 });
    });

    it('replays all dead letters of an endpoint since a time: a count first, then progress', async () => {
      reply = { status: 503, body: 'maintenance' };
      for (let i = 0; i < 3; i++) await publish();
      await until(async () => (await deadCount()) === 3, 60_000);
      reply = { status: 200, body: 'ok' };
      await page.getByLabel('Endpoint', { exact: true }).selectOption(endpoint.id);
      await page.getByLabel('Events accepted since').fill('2020-01-01T00:00');
      await page.getByRole('button', { name: 'Count' }).click();
      await page.getByText('3 dead deliveries match.').waitFor({ timeout: 30_000 });
      await page.getByRole('button', { name: 'Replay 3' }).click();
      await page.getByText('3 of 3 sent').waitFor({ timeout: 60_000 });
      expect(await deadCount()).toBe(0);
    });

    it('shows health figures as charts and as text', async () => {
      await page.getByRole('link', { name: 'Health' }).click();
      await page.getByText('Latency p50 / p95 / p99').waitFor({ timeout: 30_000 });
      await until(async () => (await page.locator('.chart canvas').count()) === 4);
      const figures = await page.getByLabel('Health figures').textContent();
      expect(figures).toMatch(/Dead letters0/);
      await page.getByText('Figures as a table').click();
      expect(await page.locator('details table tbody tr').count()).toBeGreaterThan(0);
      expect(await seriousViolations(page)).toEqual([]);
      await screenshot(page, 'health');
    });

    it('has the catalogue, changelog and signing guide in place', async () => {
      await page.getByRole('link', { name: 'Docs' }).click();
      await page.getByRole('heading', { name: 'Verifying signatures' }).waitFor({ timeout: 30_000 });
      expect(await page.getByRole('region', { name: 'Node verification sample' }).textContent()).toContain(
        'webhook-signature',
      );
      await page.getByRole('tab', { name: 'Python' }).click();
      await page.getByRole('region', { name: 'Python verification sample' }).waitFor({ timeout: 30_000 });
      expect(await page.getByRole('heading', { name: 'Changelog' }).count()).toBe(1);
      expect(await seriousViolations(page)).toEqual([]);
    });

    it('sets, tests, shows masked and removes the Slack notification channel', async () => {
      await page.getByRole('link', { name: 'Notifications' }).click();
      await page.getByLabel('Slack incoming-webhook URL').fill(`${slack.url}/T0/B0/sekritXYZ9`);
      await page.getByRole('button', { name: 'Save' }).first().click();
      await page.getByText('…XYZ9').waitFor({ timeout: 30_000 });
      expect(await page.getByText('sekrit').count()).toBe(0);
      await page.getByRole('button', { name: 'Send a test notice' }).click();
      await page.getByText('Test notice sent.').waitFor({ timeout: 30_000 });
      expect(slack.requests).toHaveLength(1);
      expect(await seriousViolations(page)).toEqual([]);
      await page.getByRole('button', { name: 'Remove' }).click();
      await page
        .getByText(/Not set: nobody hears about dead letters through Slack/)
        .waitFor({ timeout: 30_000 });
    });

    it('disables an endpoint (deliveries held), enables it (says how many it released), deletes it', async () => {
      await page.goto(`${p.base}/endpoints/${endpoint.id}`);
      await page.getByRole('button', { name: 'Disable' }).click();
      await page.getByText('disabled by hand').waitFor({ timeout: 30_000 });
      await publish();
      await page.getByText('1 deliveries held').waitFor({ timeout: 30_000 });
      const before = receiver.requests.length;
      await page.getByRole('button', { name: 'Enable' }).click();
      await page.getByText('Enabled: 1 held deliveries released, in order.').waitFor({ timeout: 30_000 });
      await until(async () => receiver.requests.length > before);
      await page.getByRole('button', { name: 'Delete endpoint' }).click();
      await page.getByRole('heading', { name: 'Integrations', level: 1 }).waitFor({ timeout: 30_000 });
      const gone = await p.call('GET', `/v1/endpoints/${endpoint.id}`, account.api_key);
      expect(gone.status).toBe(404);
      expect(problems).toEqual([]);
    });
  },
);
