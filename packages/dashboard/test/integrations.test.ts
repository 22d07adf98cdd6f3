import { EVENT_TYPES } from '@bookflow/events';
import type { Page } from 'playwright-core';
import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { type Reply, startReceiver, type TestReceiver } from '../../platform/test/support/receiver.ts';
import { describeInBrowser, screenshot, seriousViolations, signedIn, until } from './support/browser.ts';

const XSS = '<img src=x onerror=alert(1)>';

describeInBrowser(
  'Integrations, endpoint page, test events and the deliveries log (chromium)',
  { timeout: 240_000 },
  () => {
    let close: (() => Promise<void>) | undefined;
    let receiver: TestReceiver;
    let reply: Reply = { status: 200, body: 'ok' };
    let page: Page;
    let problems: string[];
    let endpointSecret = '';

    beforeAll(async () => {
      ({ page, problems, close } = await signedIn('Acme Revenue Ops'));
      receiver = await startReceiver(() => reply);
    }, 240_000);
    /** The Integrations page's row of one event type. */
    const row = (type: string) =>
      page.locator('li.type-row').filter({ has: page.getByRole('heading', { name: type, exact: true }) });

    afterAll(async () => {
      await receiver?.close();
      await close?.();
    });

    it('lists every event type of the catalogue, each with an empty state, and adds a destination for meeting.booked in place', async () => {
      await page.getByText('No endpoints yet: add one for meeting.booked.').waitFor({ timeout: 30_000 });
      expect(await page.locator('li.type-row').count()).toBe(EVENT_TYPES.length);
      expect(await seriousViolations(page)).toEqual([]);

      await page.getByLabel('Destination URL for meeting.booked').fill(receiver.url);
      await row('meeting.booked').getByRole('button', { name: 'Add destination' }).click();
      await page.getByText('Signing secret (shown once)').waitFor({ timeout: 30_000 });
      endpointSecret = (await page.locator('code.secret').textContent()) ?? '';
      expect(endpointSecret).toMatch(/^whsec_/);
      await page.getByRole('link', { name: receiver.url }).first().waitFor({ timeout: 30_000 });

      // The same URL added for a second type is the same endpoint, shown as serving both.
      await page.getByLabel('Destination URL for meeting.canceled').fill(receiver.url);
      await row('meeting.canceled').getByRole('button', { name: 'Add destination' }).click();
      await page.getByText('also: meeting.canceled').waitFor({ timeout: 30_000 });
      const endpoints = await page.evaluate(
        async () => (await (await fetch('/v1/endpoints')).json()) as { data: unknown[] },
      );
      expect(endpoints.data).toHaveLength(1);
      await page.getByRole('button', { name: 'I have saved it' }).click();
      await screenshot(page, 'integrations');
    });

    it('sends a test event from the endpoint page and shows the 200 live; a response body is shown as text', async () => {
      await page.getByRole('link', { name: receiver.url }).first().click();
      await page.getByRole('heading', { name: 'Send a test event' }).waitFor({ timeout: 30_000 });
      expect(await seriousViolations(page)).toEqual([]);

      const before = receiver.requests.length;
      await page.getByRole('button', { name: 'Send test event' }).click();
      const result = page.getByTestId('test-result');
      await result.getByText('200', { exact: true }).waitFor({ timeout: 30_000 });
      await result.getByText('ok', { exact: true }).waitFor({ timeout: 30_000 });
      const sent = receiver.requests[before]!;
      expect(() =>
        new Webhook(endpointSecret).verify(sent.body, sent.headers as Record<string, string>),
      ).not.toThrow();

      reply = { status: 200, headers: { 'content-type': 'text/html' }, body: XSS };
      await page.getByRole('button', { name: 'Send test event' }).click();
      await result.getByText(XSS, { exact: true }).waitFor({ timeout: 30_000 });
      expect(await page.locator('img[src="x"]').count()).toBe(0);
      reply = { status: 200, body: 'ok' };
      expect(problems).toEqual([]);
    });

    it('rotates the secret with an overlap: the receiver gets both signatures, each verifies', async () => {
      await page.getByLabel('Old secret keeps signing for').selectOption('86400');
      await page.getByRole('button', { name: 'Rotate secret' }).click();
      await page.getByText('Signing secret (shown once)').waitFor({ timeout: 30_000 });
      const newSecret = (await page.locator('code.secret').textContent()) ?? '';
      expect(newSecret).toMatch(/^whsec_/);
      expect(newSecret).not.toBe(endpointSecret);
      await screenshot(page, 'endpoint');

      const before = receiver.requests.length;
      await page.getByRole('button', { name: 'Send test event' }).click();
      await until(async () => receiver.requests.length > before);
      const sent = receiver.requests[before]!;
      expect(String(sent.headers['webhook-signature']).split(' ')).toHaveLength(2);
      for (const secret of [endpointSecret, newSecret]) {
        expect(() =>
          new Webhook(secret).verify(sent.body, sent.headers as Record<string, string>),
        ).not.toThrow();
      }
    });

    it('the deliveries log filters, opens a delivery with every attempt as text, its envelope and curl', async () => {
      await page.getByRole('link', { name: 'Deliveries', exact: true }).click();
      await page.getByRole('heading', { name: 'Deliveries', level: 1 }).waitFor({ timeout: 30_000 });
      await until(async () => (await page.locator('tbody tr').count()) >= 3);
      await page.getByLabel('Status').selectOption('succeeded');
      await until(async () => page.url().includes('status=succeeded'));
      expect(await seriousViolations(page)).toEqual([]);
      await screenshot(page, 'deliveries');

      // The delivery whose response was markup: find it through the API, open it on the page.
      const xssDelivery = await page.evaluate(async (xss) => {
        const list = (await (await fetch('/v1/deliveries?limit=50')).json()) as {
          data: Array<{ id: string }>;
        };
        for (const d of list.data) {
          const full = (await (await fetch(`/v1/deliveries/${d.id}`)).json()) as {
            attempts: Array<{ response_body: string | null }>;
          };
          if (full.attempts.some((a) => a.response_body === xss)) return d.id;
        }
        return null;
      }, XSS);
      expect(xssDelivery).not.toBeNull();
      await page.getByRole('link', { name: `Open delivery ${xssDelivery}` }).click();
      await page.getByRole('heading', { name: 'Attempts' }).waitFor({ timeout: 30_000 });
      await page.getByText(XSS, { exact: true }).waitFor({ timeout: 30_000 });
      expect(await page.locator('img[src="x"]').count()).toBe(0);
      await page.getByText('"type": "meeting.booked"').first().waitFor({ timeout: 30_000 });
      const curl = await page.getByRole('region', { name: 'curl command' }).textContent();
      expect(curl).toContain(`curl -X POST '${receiver.url}'`);
      expect(curl).toContain('X-BookFlow-Event-Id');
      expect(await seriousViolations(page)).toEqual([]);
      expect(problems).toEqual([]);
    });

    it('is readable at 390 px wide: no sideways scrolling on the Integrations page', async () => {
      await page.setViewportSize({ width: 390, height: 844 });
      await page.getByRole('link', { name: 'Integrations' }).click();
      await page.locator('li.type-row').first().waitFor({ timeout: 30_000 });
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      expect(overflow).toBeLessThanOrEqual(1);
      await screenshot(page, 'integrations-390');
    });
  },
);
