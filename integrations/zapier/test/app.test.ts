import { catalogue, sampleData } from '@bookflow/events';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import zapier from 'zapier-platform-core';
import { eventually } from '../../../packages/platform/test/support/platform.ts';
import { startHookCatcher } from '../../shared/test-support/hook-catcher.ts';
import { startRunningPlatform } from '../../shared/test-support/running-platform.ts';
import App from '../src/index.ts';
import { asZapierBundle } from './zapier-request.ts';

// zapier-platform-core's app tester runs the app's own functions, with its real HTTP client,
// against a real platform (PGlite) listening on 127.0.0.1; deliveries are real, caught by a
// stand-in hook URL and handed to perform the way Zapier hands a hook request.

type Fn = (z: unknown, bundle: unknown) => unknown;
type Operation = Record<string, Fn>;
const appTester = zapier.createAppTester(App);
const triggers = App.triggers as unknown as Record<string, { operation: Operation }>;
const creates = App.creates as unknown as Record<string, { operation: Operation }>;
const booked = triggers.meeting_booked!.operation;

let platform: Awaited<ReturnType<typeof startRunningPlatform>>;
let hook: Awaited<ReturnType<typeof startHookCatcher>>;
let authData: { api_key: string; api_url: string };

beforeAll(async () => {
  platform = await startRunningPlatform();
  hook = await startHookCatcher();
  const account = await platform.createAccount({ name: 'Fieldstack' });
  authData = { api_key: account.api_key, api_url: platform.url };
});

afterAll(async () => {
  await hook?.close();
  await platform?.close();
});

const run = <T>(fn: Fn, bundle: object) =>
  appTester(fn as never, { authData, ...bundle } as never) as Promise<T>;

describe('authentication', () => {
  it('tests the key with GET /v1/account and labels the connection with the account name', async () => {
    const account = await run<{ name: string }>(App.authentication.test as Fn, {});
    expect(account.name).toBe('Fieldstack');
    const label = await run<string>(App.authentication.connectionLabel as Fn, { inputData: account });
    expect(label).toBe('Fieldstack');
  });

  it('refuses a wrong key with a message that names the key', async () => {
    await expect(
      appTester(
        App.authentication.test as never,
        {
          authData: { api_key: 'bfk_live_wrong', api_url: platform.url },
        } as never,
      ),
    ).rejects.toThrow(/API key/);
  });
});

describe('the meeting.booked instant trigger', () => {
  it('subscribes, receives a real signed delivery, returns the documented fields, drops forgeries, unsubscribes', async () => {
    const subscribeData = await run<{ id: string; secret: string }>(booked.performSubscribe!, {
      targetUrl: `${hook.url}/hooks/standard/1/abc`,
      meta: { zap: { id: '4242' } },
    });
    expect(subscribeData.id).toMatch(/^ep_/);
    expect(subscribeData.secret).toMatch(/^whsec_/);

    // the endpoint exists, subscribed to this type, and says it came from Zapier
    const endpoint = await platform.call('GET', `/v1/endpoints/${subscribeData.id}`, authData.api_key);
    expect(endpoint.status).toBe(200);
    expect(endpoint.body).toMatchObject({
      url: `${hook.url}/hooks/standard/1/abc`,
      event_types: ['meeting.booked'],
      description: 'Zapier: Zap 4242 (meeting.booked)',
    });

    const data = sampleData('meeting.booked', { seed: 7 });
    const published = await platform.publish(authData.api_key, 'meeting.booked', data);
    expect(published.status).toBe(202);
    const eventId = (published.body as { id: string }).id;
    const delivery = await eventually(async () => hook.caught.find((r) => r.body.includes(eventId)));

    const [record, ...rest] = await run<Record<string, unknown>[]>(booked.perform!, {
      subscribeData,
      ...asZapierBundle(delivery),
    });
    expect(rest).toEqual([]);
    expect(record).toMatchObject({
      id: eventId,
      type: 'meeting.booked',
      lead__name: data.lead.name,
      lead__email: data.lead.email,
      lead__phone: data.lead.phone,
      lead__source: data.lead.source,
      lead__campaign: data.lead.campaign,
      meeting__start_at: data.meeting.start_at,
      meeting__timezone: data.meeting.timezone,
      meeting__owner__email: data.meeting.owner.email,
      summary: data.summary,
      transcript_url: data.transcript_url,
    });
    const local = new Intl.DateTimeFormat('en-US', {
      timeZone: data.meeting.timezone,
      hour: 'numeric',
      minute: '2-digit',
    }).format(new Date(data.meeting.start_at));
    expect(record!.meeting__start_at_local).toContain(local);

    // forgeries: another body under the same signature, another secret, no signature at all
    const tampered = { ...delivery, body: delivery.body.replace(data.lead.name, 'Mallory') };
    const unsigned = {
      ...delivery,
      headers: Object.fromEntries(
        Object.entries(delivery.headers).filter(([n]) => !n.startsWith('webhook-')),
      ),
    };
    for (const forged of [tampered, unsigned]) {
      const out = await run<unknown[]>(booked.perform!, { subscribeData, ...asZapierBundle(forged) });
      expect(out).toEqual([]);
    }
    const otherSecret = { ...subscribeData, secret: `whsec_${Buffer.alloc(32, 9).toString('base64')}` };
    expect(await run(booked.perform!, { subscribeData: otherSecret, ...asZapierBundle(delivery) })).toEqual(
      [],
    );
    // a request without the raw body cannot be verified, so it is dropped too
    expect(await run(booked.perform!, { subscribeData, cleanedRequest: JSON.parse(delivery.body) })).toEqual(
      [],
    );

    await run(booked.performUnsubscribe!, { subscribeData });
    const gone = await platform.call('GET', `/v1/endpoints/${subscribeData.id}`, authData.api_key);
    expect(gone.status).toBe(404);
    // Zapier may unsubscribe a hook whose endpoint was already deleted by hand: no error
    await expect(run(booked.performUnsubscribe!, { subscribeData })).resolves.toEqual({});
  });

  it('performList shows the catalogue example without history, real events once there are some', async () => {
    const canceled = triggers.meeting_canceled!.operation;
    const before = await run<Record<string, unknown>[]>(canceled.performList!, {});
    expect(before).toHaveLength(1);
    expect(before[0]!.lead__name).toBe(catalogue['meeting.canceled'].example.lead.name);

    await platform.createEndpoint(authData.api_key, `${hook.url}/other`, ['meeting.canceled']);
    const data = sampleData('meeting.canceled', { seed: 11 });
    const published = await platform.publish(authData.api_key, 'meeting.canceled', data);
    const eventId = (published.body as { id: string }).id;
    const after = await run<Record<string, unknown>[]>(canceled.performList!, {});
    expect(after.map((e) => e.id)).toEqual([eventId]);
    expect(after[0]!.lead__name).toBe(data.lead.name);
  });
});

describe('actions', () => {
  it('Publish event sends the typed data, or the example when left empty', async () => {
    const publish = creates.publish_event!.operation;
    const data = sampleData('lead.disqualified', { seed: 5 });
    const typed = await run<{ id: string }>(publish.perform!, {
      inputData: { event_type: 'lead.disqualified', data: JSON.stringify(data) },
    });
    const stored = await platform.call('GET', `/v1/events/${typed.id}`, authData.api_key);
    expect(stored.body).toMatchObject({ type: 'lead.disqualified', data });

    const example = await run<{ id: string }>(publish.perform!, {
      inputData: { event_type: 'call.ended' },
    });
    const exampleStored = await platform.call('GET', `/v1/events/${example.id}`, authData.api_key);
    expect(exampleStored.body).toMatchObject({ data: catalogue['call.ended'].example });
  });

  it('Publish event explains bad JSON and data the schema refuses', async () => {
    const publish = creates.publish_event!.operation;
    await expect(
      run(publish.perform!, { inputData: { event_type: 'meeting.booked', data: '{not json' } }),
    ).rejects.toThrow(/JSON object/);
    await expect(
      run(publish.perform!, { inputData: { event_type: 'meeting.booked', data: '{"lead": 1}' } }),
    ).rejects.toThrow(/data/);
  });

  it('Replay dead letters replays the dead deliveries of the chosen endpoint only', async () => {
    const failing = await startHookCatcher(500);
    try {
      const dead = await platform.createEndpoint(authData.api_key, `${failing.url}/dead`, [
        'lead.disqualified',
      ]);
      await platform.publish(
        authData.api_key,
        'lead.disqualified',
        sampleData('lead.disqualified', { seed: 2 }),
      );
      await eventually(async () => {
        const list = await platform.call(
          'GET',
          `/v1/deliveries?endpoint_id=${dead.id}&status=dead`,
          authData.api_key,
        );
        return (list.body as { data: unknown[] }).data.length === 1;
      }, 30_000);

      const choices = await run<{ id: string; name: string }[]>(
        triggers.endpoint_list!.operation.perform!,
        {},
      );
      expect(choices.map((c) => c.id)).toContain(dead.id);

      const replay = creates.replay_dead_letters!.operation;
      const result = await run<{ queued: number; has_more: boolean }>(replay.perform!, {
        inputData: { endpoint_id: dead.id },
      });
      expect(result).toMatchObject({ endpoint_id: dead.id, queued: 1, has_more: false });
      await eventually(async () => failing.caught.length > 7);
    } finally {
      await failing.close();
    }
  });
});
