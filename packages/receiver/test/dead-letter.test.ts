import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  createReceiver,
  MemoryStore,
  NonRetryableError,
  PagerDutyAlerter,
  type Receiver,
  type ReceiverStore,
  SlackAlerter,
} from '../src/index.ts';
import { startCaptureServer } from './helpers/capture-server.ts';
import { delivery, SECRET } from './helpers/deliveries.ts';
import { reportSkipped, storeHarnesses } from './helpers/stores.ts';
import { waitFor } from './helpers/wait.ts';

// A failing handler: retried on the receiver's own schedule, dead-lettered, alerted, replayed.

const harnesses = storeHarnesses();
reportSkipped('dead-letter.test.ts', harnesses);

type Capture = Awaited<ReturnType<typeof startCaptureServer>>;

for (const harness of harnesses) {
  describe.skipIf(harness.skip)(`dead letter with the ${harness.name} store`, () => {
    let slack: Capture;
    let pagerDuty: Capture;
    let receiver: Receiver | undefined;
    let store: ReceiverStore;

    beforeAll(async () => {
      await harness.setup();
      slack = await startCaptureServer({ status: 200, body: 'ok' });
      pagerDuty = await startCaptureServer({
        status: 202,
        body: '{"status":"success","message":"Event processed"}',
        contentType: 'application/json',
      });
    });
    afterAll(async () => {
      await slack.close();
      await pagerDuty.close();
      await harness.teardown();
    });
    afterEach(async () => {
      await receiver?.stop();
      slack.requests.length = 0;
      pagerDuty.requests.length = 0;
      await harness.reset();
    });

    async function start(retryDelaysMs: number[]) {
      store = await harness.create();
      receiver = createReceiver({
        store,
        secrets: [SECRET],
        retry: { delaysMs: retryDelaysMs },
        worker: { pollIntervalMs: 10 },
        source: 'receiver-test',
        alerts: [
          new SlackAlerter({ webhookUrl: `${slack.url}/services/T000/B000/XXXX` }),
          new PagerDutyAlerter({ routingKey: 'R0UT1NGKEY', url: `${pagerDuty.url}/v2/enqueue` }),
        ],
      });
      return receiver;
    }

    it('retries a throwing handler, dead-letters it, alerts Slack and PagerDuty, and a replay finishes it once', async () => {
      const r = await start([20, 20]);
      let broken = true;
      const calls = { handler: 0, crm: 0, warehouse: 0 };
      const attempts: number[] = [];
      r.on('meeting.booked', async (event, ctx) => {
        calls.handler++;
        attempts.push(ctx.attempt);
        const activity = await ctx.once('crm.activity', async (key) => {
          calls.crm++;
          return { id: `act-${key}` };
        });
        expect(activity.id).toBe(`act-${event.id}:crm.activity`);
        await ctx.once('warehouse.row', async () => {
          if (broken) throw new Error('warehouse unavailable');
          calls.warehouse++;
        });
      });
      await r.start();
      const d = delivery('meeting.booked');
      expect((await r.handle(d)).status).toBe(200);

      const [dead] = await waitFor(
        async () => {
          const list = await r.deadLetters.list();
          return list.length > 0 ? list : null;
        },
        { what: 'the dead letter' },
      );
      expect(dead).toMatchObject({ eventId: d.id, eventType: 'meeting.booked', attempts: 3 });
      expect(dead!.lastError).toContain('warehouse unavailable');
      expect(attempts).toEqual([1, 2, 3]);
      expect(calls).toEqual({ handler: 3, crm: 1, warehouse: 0 });

      await waitFor(() => slack.requests.length === 1 && pagerDuty.requests.length === 1, {
        what: 'both alerts',
      });
      const slackMessage = JSON.parse(slack.requests[0]!.body);
      expect(slack.requests[0]!.url).toBe('/services/T000/B000/XXXX');
      expect(slackMessage.text).toContain(d.id);
      expect(slackMessage.text).toContain('warehouse unavailable');
      const page = JSON.parse(pagerDuty.requests[0]!.body);
      expect(pagerDuty.requests[0]!.url).toBe('/v2/enqueue');
      expect(page).toMatchObject({
        routing_key: 'R0UT1NGKEY',
        event_action: 'trigger',
        dedup_key: `bookflow-receiver:${d.id}`,
        payload: {
          source: 'receiver-test',
          severity: 'error',
          custom_details: { event_id: d.id, attempts: 3 },
        },
      });
      expect(page.payload.summary).toContain('meeting.booked');
      const depth = await r.metrics.registry.getSingleMetricAsString('bookflow_receiver_dead_letter_depth');
      expect(depth).toContain('bookflow_receiver_dead_letter_depth 1');

      // The fix ships; the on-call replays. Completed steps are not repeated.
      broken = false;
      expect(await r.deadLetters.replay(d.id)).toBe(true);
      await waitFor(async () => calls.warehouse === 1 && (await store.depth()).running === 0, {
        what: 'the replay',
      });
      expect(calls).toEqual({ handler: 4, crm: 1, warehouse: 1 });
      expect(attempts.at(-1)).toBe(1);
      expect(await store.depth()).toEqual({ queued: 0, running: 0, dead: 0 });
      // A second replay finds nothing to do, and a redelivery from the sender is a duplicate.
      expect(await r.deadLetters.replay(d.id)).toBe(false);
      expect(JSON.parse((await r.handle(d)).body).status).toBe('duplicate');
      await new Promise((resolve) => setTimeout(resolve, 50));
      expect(calls.handler).toBe(4);
    });

    it('dead-letters at once on NonRetryableError, and replayAll replays by type', async () => {
      const r = await start([10_000]);
      let fixed = false;
      const processed: string[] = [];
      r.on('call.ended', (event) => {
        if (!fixed) throw new NonRetryableError('unknown outcome');
        processed.push(event.id);
      });
      r.on('call.started', () => {
        throw new NonRetryableError('not yet');
      });
      await r.start();
      const ended = [delivery('call.ended'), delivery('call.ended')];
      for (const d of [...ended, delivery('call.started')]) await r.handle(d);
      await waitFor(async () => (await store.depth()).dead === 3, { what: 'three dead letters' });
      expect((await r.deadLetters.list()).every((dl) => dl.attempts === 1)).toBe(true);
      fixed = true;
      expect(await r.deadLetters.replayAll({ types: ['call.ended'] })).toBe(2);
      await waitFor(() => processed.length === 2, { what: 'the replayed events' });
      expect(processed.sort()).toEqual(ended.map((d) => d.id).sort());
      expect((await store.depth()).dead).toBe(1);
    });
  });
}

describe('alerts', () => {
  it('a failing Slack webhook does not stop the PagerDuty page, and is counted', async () => {
    const slack = await startCaptureServer({ status: 500, body: 'invalid_payload' });
    const pagerDuty = await startCaptureServer({ status: 202, body: '{}' });
    const receiver = createReceiver({
      store: new MemoryStore(),
      secrets: [SECRET],
      retry: { delaysMs: [] },
      worker: { pollIntervalMs: 10 },
      alerts: [
        new SlackAlerter({ webhookUrl: slack.url }),
        new PagerDutyAlerter({ routingKey: 'k', url: `${pagerDuty.url}/v2/enqueue` }),
      ],
    });
    receiver.on('usage.threshold', () => {
      throw new Error('boom');
    });
    try {
      await receiver.start();
      await receiver.handle(delivery('usage.threshold'));
      await waitFor(() => pagerDuty.requests.length === 1 && slack.requests.length === 1, { what: 'alerts' });
      await waitFor(async () =>
        (await receiver.metrics.registry.getSingleMetricAsString('bookflow_receiver_alerts_total')).includes(
          'channel="slack",outcome="failed"} 1',
        ),
      );
    } finally {
      await receiver.stop();
      await slack.close();
      await pagerDuty.close();
    }
  });
});
