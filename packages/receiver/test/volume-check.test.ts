import { randomUUID } from 'node:crypto';
import { type EventType, sampleEnvelope } from '@bookflow/events';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  createReceiver,
  type IncomingJob,
  MemoryStore,
  PagerDutyAlerter,
  type Receiver,
  SlackAlerter,
} from '../src/index.ts';
import { HOUR_MS, hourStart, WEEK_MS } from '../src/time/hours.ts';
import { startCaptureServer } from './helpers/capture-server.ts';
import { SECRET, sign } from './helpers/deliveries.ts';
import { reportSkipped, storeHarnesses } from './helpers/stores.ts';

// End to end: signed deliveries through receiver.handle() build five weeks of history in a real
// store, then meeting.booked drops to a few events in one hour. The check, run as the scheduler
// runs it, alerts a fake Slack webhook and a fake PagerDuty Events API (real HTTP servers on
// 127.0.0.1) exactly once, and once more with a resolve when the next hour is back to normal.

const harnesses = storeHarnesses();
reportSkipped('volume-check.test.ts', harnesses);

const NORMAL = 30;

for (const harness of harnesses) {
  describe.skipIf(harness.skip)(`volume check, ${harness.name} store`, { timeout: 120_000 }, () => {
    let slack: Awaited<ReturnType<typeof startCaptureServer>>;
    let pagerDuty: Awaited<ReturnType<typeof startCaptureServer>>;
    let receiver: Receiver | undefined;
    beforeAll(async () => {
      await harness.setup();
      slack = await startCaptureServer({ status: 200, body: 'ok' });
      pagerDuty = await startCaptureServer({ status: 202, body: '{"status":"success"}' });
    });
    afterAll(async () => {
      await slack.close();
      await pagerDuty.close();
      await harness.teardown();
    });
    afterEach(() => harness.reset());

    it('alerts once on a drop in meeting.booked, not again while it stays low, and resolves once on recovery', async () => {
      // The real clock's past: Redis expires counts by the wall clock.
      const dropHour = new Date(hourStart(new Date()).getTime() - 3 * HOUR_MS);
      let now = dropHour;
      receiver = createReceiver({
        store: await harness.create(),
        secrets: [SECRET],
        clock: () => now,
        source: 'volume-test',
        volumeCheck: {},
        alerts: [
          new SlackAlerter({ webhookUrl: `${slack.url}/services/T000/B000/XXXX` }),
          new PagerDutyAlerter({ routingKey: 'R0UT1NGKEY', url: `${pagerDuty.url}/v2/enqueue` }),
        ],
      });
      const r = receiver;
      async function deliver(hour: Date, type: EventType, n: number) {
        now = new Date(hour.getTime() + 10 * 60_000);
        const signed = Array.from({ length: n }, () =>
          sign({ ...sampleEnvelope(type), id: randomUUID() }, { deliveredAt: now }),
        );
        const answers = await Promise.all(signed.map((d) => r.handle(d)));
        expect(answers.every((a) => a.status === 200)).toBe(true);
      }
      /** Runs the check as the scheduler does, two minutes after the hour that follows `hour`. */
      async function checkAfter(hour: Date) {
        now = new Date(hour.getTime() + HOUR_MS + 2 * 60_000);
        return r.volumeCheck!.runNow();
      }

      for (let week = 1; week <= 5; week++) {
        for (const hour of [0, 1]) {
          const at = new Date(dropHour.getTime() - week * WEEK_MS + hour * HOUR_MS);
          await deliver(at, 'meeting.booked', NORMAL);
          await deliver(at, 'call.ended', 2); // too quiet to judge, whatever it does
        }
      }
      await deliver(dropHour, 'meeting.booked', 3);
      const duplicate = sign({ ...sampleEnvelope('meeting.booked'), id: randomUUID() }, { deliveredAt: now });
      await r.handle(duplicate);
      expect(JSON.parse((await r.handle(duplicate)).body)).toMatchObject({ status: 'duplicate' });

      // Two runs at once (a manual run beside the timer's) are one run: one alert, not two.
      const [results] = await Promise.all([checkAfter(dropHour), checkAfter(dropHour)]);
      expect(results?.find((x) => x.eventType === 'meeting.booked')).toMatchObject({
        count: 4,
        baseline: NORMAL,
        verdict: 'low',
        action: 'alert',
      });
      expect(results?.find((x) => x.eventType === 'call.ended')).toMatchObject({
        count: 0,
        verdict: 'unjudged',
      });
      expect(slack.requests).toHaveLength(1);
      expect(pagerDuty.requests).toHaveLength(1);
      const posted = JSON.parse(slack.requests[0]!.body);
      expect(posted.text).toBe(
        `BookFlow meeting.booked volume dropped: 4 in the hour from ${dropHour.toISOString()}, against 30 usually (upstream problem?)`,
      );
      const trigger = JSON.parse(pagerDuty.requests[0]!.body);
      expect(trigger).toMatchObject({
        routing_key: 'R0UT1NGKEY',
        event_action: 'trigger',
        dedup_key: 'bookflow-receiver:volume:meeting.booked',
        payload: { source: 'volume-test', custom_details: { count: 4, baseline: NORMAL } },
      });
      const metrics = (await r.metrics.expose()).body;
      expect(metrics).toContain('bookflow_receiver_volume_last_hour{type="meeting.booked"} 4');
      expect(metrics).toContain('bookflow_receiver_volume_baseline{type="meeting.booked"} 30');
      expect(metrics).toContain('bookflow_receiver_volume_alert_open{type="meeting.booked"} 1');
      // Too quiet to judge, but its baseline still shows on a dashboard.
      expect(metrics).toContain('bookflow_receiver_volume_baseline{type="call.ended"} 2');

      // The same hour checked again (a second run, a restart of the timer): still low, no new alert.
      await checkAfter(dropHour);
      expect(slack.requests).toHaveLength(1);
      expect(pagerDuty.requests).toHaveLength(1);

      const nextHour = new Date(dropHour.getTime() + HOUR_MS);
      await deliver(nextHour, 'meeting.booked', NORMAL - 2);
      await checkAfter(nextHour);
      expect(slack.requests).toHaveLength(2);
      expect(JSON.parse(slack.requests[1]!.body).text).toMatch(
        /^BookFlow meeting.booked volume recovered: 28 /,
      );
      expect(pagerDuty.requests).toHaveLength(2);
      expect(JSON.parse(pagerDuty.requests[1]!.body)).toEqual({
        routing_key: 'R0UT1NGKEY',
        event_action: 'resolve',
        dedup_key: 'bookflow-receiver:volume:meeting.booked',
      });
      await checkAfter(nextHour);
      expect(slack.requests).toHaveLength(2);
      expect((await r.metrics.expose()).body).toContain(
        'bookflow_receiver_volume_alert_open{type="meeting.booked"} 0',
      );
      slack.requests.length = 0;
      pagerDuty.requests.length = 0;
    });
  });
}

describe('volume check failures', () => {
  const quietLog = () => {
    const logged: string[] = [];
    const log = {
      debug() {},
      info() {},
      warn() {},
      error: (_obj: object, msg?: string) => void logged.push(msg ?? ''),
      child: () => log,
    };
    return { log, logged };
  };

  it('a store that cannot be read is logged and counted, never thrown', async () => {
    const { log, logged } = quietLog();
    const store = new MemoryStore();
    store.volumeCounts = async () => {
      throw new Error('connection refused');
    };
    const receiver = createReceiver({ store, secrets: [SECRET], logger: log, volumeCheck: {} });
    expect(await receiver.volumeCheck!.runNow()).toBeUndefined();
    expect(logged).toEqual(['volume check failed: could not read the hourly counts']);
    expect((await receiver.metrics.expose()).body).toContain(
      'bookflow_receiver_volume_checks_total{outcome="failed"} 1',
    );
  });

  it('when every channel fails, the alert is not taken as sent: the next check sends it', async () => {
    const slack = await startCaptureServer({ status: 500, body: 'invalid_token' });
    try {
      const { log, logged } = quietLog();
      const store = new MemoryStore();
      const dropHour = new Date(hourStart(new Date()).getTime() - 3 * HOUR_MS);
      for (let week = 1; week <= 3; week++) {
        for (const hour of [0, 1]) {
          const at = new Date(dropHour.getTime() - week * WEEK_MS + hour * HOUR_MS);
          for (let i = 0; i < NORMAL; i++) await store.accept(job(at));
        }
      }
      let now = new Date(dropHour.getTime() + HOUR_MS + 120_000);
      const receiver = createReceiver({
        store,
        secrets: [SECRET],
        logger: log,
        clock: () => now,
        volumeCheck: {},
        alerts: [new SlackAlerter({ webhookUrl: slack.url })],
      });
      expect((await receiver.volumeCheck!.runNow())?.[0]).toMatchObject({ action: 'alert' });
      expect(logged).toEqual(['volume alert failed']);
      now = new Date(now.getTime() + HOUR_MS); // the next hour is empty too: still low
      expect((await receiver.volumeCheck!.runNow())?.[0]).toMatchObject({ action: 'alert' });
      expect(slack.requests).toHaveLength(2);
      expect((await receiver.metrics.expose()).body).toContain(
        'bookflow_receiver_volume_alerts_total{channel="slack",status="triggered",outcome="failed"} 2',
      );
    } finally {
      await slack.close();
    }
  });

  it('refuses options it cannot work with when the receiver is created', () => {
    const create = (volumeCheck: object) => () =>
      createReceiver({ store: new MemoryStore(), secrets: [SECRET], volumeCheck });
    expect(create({ weeks: 2, minWeeks: 3 })).toThrow(/minWeeks must be an integer from 1 to weeks/);
    expect(create({ delayMs: 2 * HOUR_MS })).toThrow(/delayMs must be under 1 h/);
    expect(createReceiver({ store: new MemoryStore(), secrets: [SECRET] }).volumeCheck).toBeUndefined();
  });
});

function job(receivedAt: Date): IncomingJob {
  const id = randomUUID();
  return {
    eventId: id,
    eventType: 'meeting.booked',
    schemaVersion: '2026-04-10',
    body: '{}',
    headers: {},
    receivedAt,
  };
}
