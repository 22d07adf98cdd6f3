import { sampleData } from '@bookflow/events';
import type { Platform } from '@bookflow/platform';
import Fastify, { type FastifyInstance } from 'fastify';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { bookflowFastify } from '../src/fastify.ts';
import { createReceiver, type Receiver } from '../src/index.ts';
import { ADMIN, call, startPlatform } from './helpers/platform.ts';
import { reportSkipped, storeHarnesses } from './helpers/stores.ts';
import { waitFor } from './helpers/wait.ts';

// The two halves together: the real platform signs and delivers (retrying a failure), the receiver
// kit verifies, dedupes and processes each event once, with each store.

const harnesses = storeHarnesses();
reportSkipped('platform-deliveries.test.ts', harnesses);

for (const harness of harnesses) {
  describe.skipIf(harness.skip)(`deliveries from the real platform (${harness.name} store)`, () => {
    let platform: Platform;
    let app: FastifyInstance;
    let receiver: Receiver;

    beforeAll(() => harness.setup());
    afterAll(() => harness.teardown());
    afterEach(async () => {
      await platform?.stop();
      await receiver?.stop();
      await app?.close();
      await platform?.db.close();
      await harness.reset();
    });

    // A platform, a receiver and a retry schedule in one test: slow on a loaded machine, so a longer limit.
    it('verify and are processed once, through a retry and a replay', { timeout: 90_000 }, async () => {
      platform = await startPlatform();
      const account = await call(platform, 'POST', '/v1/accounts', ADMIN, { name: 'Acme' });
      const key = account.api_key as string;
      // The endpoint exists before the receiver, which needs its secret; its URL is set once the receiver listens.
      const endpoint = await call(platform, 'POST', '/v1/endpoints', key, {
        url: 'http://127.0.0.1:9/placeholder',
        event_types: ['meeting.booked', 'call.ended'],
      });

      receiver = createReceiver({
        store: await harness.create(),
        secrets: [endpoint.secret as string],
        worker: { pollIntervalMs: 20, concurrency: 4 },
      });
      const booked: string[] = [];
      const crmActivities: string[] = [];
      let failFirst = true;
      receiver.on('meeting.booked', async (event, ctx) => {
        booked.push(event.id);
        await ctx.once('crm.activity', async () => {
          crmActivities.push(event.data.meeting.owner.email);
          return { id: `act_${crmActivities.length}` };
        });
      });
      const ended: string[] = [];
      receiver.on('call.ended', async (event) => {
        ended.push(event.data.outcome);
      });
      await receiver.start();

      // The first request fails with a 503 at the door, so the platform's retry is exercised too.
      app = Fastify();
      app.addHook('onRequest', async (_request, reply) => {
        if (failFirst) {
          failFirst = false;
          return reply.code(503).send({ status: 'warming up' });
        }
      });
      await app.register(bookflowFastify, { receiver });
      const base = await app.listen({ port: 0, host: '127.0.0.1' });
      await call(platform, 'PATCH', `/v1/endpoints/${endpoint.id}`, key, {
        url: `${base}/webhooks/bookflow`,
      });

      const meeting = sampleData('meeting.booked', { seed: 3 });
      const first = await call(platform, 'POST', '/v1/events', key, {
        type: 'meeting.booked',
        data: meeting,
      });
      await call(platform, 'POST', '/v1/events', key, {
        type: 'call.ended',
        data: sampleData('call.ended', { seed: 4 }),
      });

      await waitFor(async () => crmActivities.length === 1 && ended.length === 1, {
        what: 'both events to be processed',
      });
      expect(booked).toEqual([first.id]);
      expect(crmActivities).toEqual([meeting.meeting.owner.email]);

      // Replaying the delivered meeting sends it again: the receiver answers 200 and dedupes it.
      // The receiver may process the event before the platform has recorded its 200.
      let delivery: Record<string, unknown> = {};
      await waitFor(
        async () => {
          delivery = (await call(platform, 'GET', `/v1/events/${first.id}/deliveries`, key)).data![0]!;
          return delivery.status === 'succeeded';
        },
        { what: 'the platform to record the delivery' },
      );
      expect((delivery.attempts as Array<{ status_code: number }>).map((a) => a.status_code)).toEqual([
        503, 200,
      ]);
      await call(platform, 'POST', `/v1/deliveries/${delivery.id}/replay`, key);
      await waitFor(
        async () => {
          const again = await call(platform, 'GET', `/v1/events/${first.id}/deliveries`, key);
          return again.data![0]!.series === 2 && again.data![0]!.status === 'succeeded';
        },
        { what: 'the replay to be delivered' },
      );
      const metrics = await receiver.metrics.registry.metrics();
      expect(metrics).toMatch(/dedupe_hits_total\{type="meeting.booked"\} 1/);
      await new Promise((r) => setTimeout(r, 200));
      expect(booked).toEqual([first.id]);
      expect(crmActivities).toHaveLength(1);
    });
  });
}
