import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sampleData } from '@bookflow/events';
import type { Platform } from '@bookflow/platform';
import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  startReference,
  until,
} from '../../../examples/reference-receiver/test/helpers/reference-process.ts';
import { ADMIN, call, startPlatform } from '../../receiver/test/helpers/platform.ts';
import { runAnalytics } from './support/cli.ts';
import { HubSpotFake } from './support/hubspot-fake.ts';

// platform → signed deliveries → the reference receiver (a real process) with the DuckDB warehouse
// and HubSpot (a local fake) configured → `npm run analytics -- funnel`.

const dataDir = mkdtempSync(join(tmpdir(), 'bookflow-gtm-e2e-'));

let phones = 100;
function lead(id: string, source: string, campaign: string | null) {
  // Each lead its own email and phone: HubSpot contacts are found by either.
  const phone = `+1555555${String(phones++).padStart(4, '0')}`;
  return {
    ...sampleData('call.started', { seed: 5 }).lead,
    id,
    email: `${id}@example.com`,
    phone,
    source,
    campaign,
  };
}

function events(): Array<{ type: string; data: Record<string, unknown> }> {
  const webA = lead('lead_a', 'webinar', 'spring-webinar');
  const webB = lead('lead_b', 'webinar', 'spring-webinar');
  const paidC = lead('lead_c', 'paid_search', null);
  const started = (callId: string, l: ReturnType<typeof lead>) => ({
    type: 'call.started',
    data: { ...sampleData('call.started', { seed: 5 }), call_id: callId, direction: 'outbound', lead: l },
  });
  const connected = (callId: string, l: ReturnType<typeof lead>) => ({
    type: 'call.connected',
    data: { ...sampleData('call.connected', { seed: 5 }), call_id: callId, direction: 'outbound', lead: l },
  });
  const booked = sampleData('meeting.booked', { seed: 5 });
  return [
    started('call_a', webA),
    connected('call_a', webA),
    {
      type: 'meeting.booked',
      data: { ...booked, call_id: 'call_a', lead: webA, meeting: { ...booked.meeting, id: 'mtg_a' } },
    },
    started('call_b', webB),
    started('call_c', paidC),
    connected('call_c', paidC),
    {
      type: 'lead.disqualified',
      data: { ...sampleData('lead.disqualified', { seed: 5 }), call_id: 'call_c', lead: paidC },
    },
  ];
}

describe('platform → reference receiver with the warehouse and HubSpot → analytics funnel', {
  timeout: 240_000,
}, () => {
  let platform: Platform;
  let hubspot: HubSpotFake;
  let reference: ReturnType<typeof startReference> | undefined;
  beforeAll(async () => {
    platform = await startPlatform();
    hubspot = await new HubSpotFake().start();
  });
  afterAll(async () => {
    if (reference && reference.child.exitCode === null) reference.child.kill('SIGKILL');
    await hubspot?.close();
    await platform?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('lands every event in the warehouse and the booking in HubSpot, and the funnel shows it', async () => {
    const account = await call(platform, 'POST', '/v1/accounts', ADMIN, { name: 'Acme' });
    const key = String(account.api_key);
    const endpoint = await call(platform, 'POST', '/v1/endpoints', key, {
      url: 'http://127.0.0.1:9/not-yet',
      event_types: ['call.started', 'call.connected', 'meeting.booked', 'lead.disqualified'],
    });
    reference = startReference({
      BOOKFLOW_WEBHOOK_SECRETS: String(endpoint.secret),
      BOOKFLOW_RECEIVER_DATA_DIR: join(dataDir, 'receiver'),
      BOOKFLOW_ANALYTICS_DATA_DIR: join(dataDir, 'analytics'),
      BOOKFLOW_WAREHOUSE: 'duckdb',
      BOOKFLOW_HUBSPOT_ACCESS_TOKEN: hubspot.token,
      BOOKFLOW_HUBSPOT_BASE_PATH: hubspot.url,
      BOOKFLOW_RECEIVER_POLL_INTERVAL: '50ms',
      PORT: '0',
      HOST: '127.0.0.1',
    });
    const listening = await until(() => reference!.logs.find((l) => l.msg === 'receiver listening'));
    expect(listening.connectors).toEqual([
      `warehouse duckdb ${join(dataDir, 'analytics', 'warehouse.duckdb')}`,
      `hubspot ${hubspot.url}`,
    ]);
    await call(platform, 'PATCH', `/v1/endpoints/${endpoint.id}`, key, {
      url: `${listening.address}/webhooks/bookflow`,
    });

    const published = events();
    for (const [i, event] of published.entries()) {
      const response = await platform.api!.inject({
        method: 'POST',
        url: '/v1/events',
        headers: { authorization: `Bearer ${key}`, 'idempotency-key': `e2e-${i}` },
        payload: event,
      });
      expect(response.statusCode, response.body).toBe(202);
    }
    // Every delivery acknowledged, then every job of the receiver handled.
    await untilAsync(async () => {
      const deliveries = await call(platform, 'GET', '/v1/deliveries?limit=50', key);
      return deliveries.data?.length === published.length &&
        deliveries.data.every((d) => d.status === 'succeeded')
        ? true
        : undefined;
    });
    await untilAsync(async () => {
      const ready = (await (await request(`${listening.address}/readyz`)).body.json()) as {
        queued: number;
        running: number;
        dead: number;
      };
      return ready.queued === 0 && ready.running === 0 && hubspot.list('meetings').length === 1
        ? ready
        : undefined;
    });
    expect(
      hubspot
        .list('contacts')
        .map((c) => c.properties.email)
        .sort(),
    ).toEqual(['lead_a@example.com', 'lead_c@example.com']);
    expect(
      hubspot.list('contacts').find((c) => c.properties.email === 'lead_c@example.com')!.properties
        .hs_lead_status,
    ).toBe('UNQUALIFIED');

    // DuckDB allows one process: the receiver flushes and closes the warehouse on SIGTERM.
    reference.child.kill('SIGTERM');
    expect(await reference.exited).toBe(0);
    const funnel = await runAnalytics(['funnel', '--by', 'source,campaign', '--format', 'json'], {
      BOOKFLOW_ANALYTICS_DATA_DIR: join(dataDir, 'analytics'),
    });
    expect(funnel.code, funnel.stderr).toBe(0);
    const rows = JSON.parse(funnel.stdout) as Array<Record<string, unknown>>;
    expect(
      rows.map((r) => [
        r.source,
        r.campaign,
        r.dials,
        r.connects,
        r.meetings_booked,
        r.disqualified,
        r.spend_usd,
      ]),
    ).toEqual([
      ['paid_search', null, 1, 1, 0, 1, null],
      ['webinar', 'spring-webinar', 2, 1, 1, 0, 1200],
    ]);
    expect(rows[1]).toMatchObject({ connect_rate: 0.5, book_rate: 1, cost_per_meeting: 1200 });
  });
});

async function untilAsync<T>(check: () => Promise<T | undefined>, timeoutMs = 120_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check().catch(() => undefined);
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
