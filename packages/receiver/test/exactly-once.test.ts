import Fastify, { type FastifyInstance } from 'fastify';
import { request } from 'undici';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { bookflowFastify } from '../src/fastify.ts';
import { createReceiver, type Receiver } from '../src/index.ts';
import { delivery, SECRET } from './helpers/deliveries.ts';
import { reportSkipped, storeHarnesses } from './helpers/stores.ts';
import { waitFor } from './helpers/wait.ts';

// The brief's idempotency promise: the same event 50 times, 10 at a time, over real HTTP,
// and the handler's side effect happens once.

const harnesses = storeHarnesses();
reportSkipped('exactly-once.test.ts', harnesses);

/** Runs `tasks` with at most `limit` in flight. */
async function pool<T>(tasks: (() => Promise<T>)[], limit: number): Promise<T[]> {
  const results: T[] = [];
  let next = 0;
  await Promise.all(
    Array.from({ length: limit }, async () => {
      while (next < tasks.length) {
        const i = next++;
        results[i] = await tasks[i]!();
      }
    }),
  );
  return results;
}

for (const harness of harnesses) {
  describe.skipIf(harness.skip)(`exactly once with the ${harness.name} store`, () => {
    let app: FastifyInstance;
    let receiver: Receiver;
    beforeAll(() => harness.setup());
    afterAll(() => harness.teardown());
    afterEach(async () => {
      await receiver?.stop();
      await app?.close();
      await harness.reset();
    });

    it('the same event sent 50 times, 10 concurrently: one handler run, one side effect, 49 dedupe hits', async () => {
      const store = await harness.create();
      receiver = createReceiver({ store, secrets: [SECRET], worker: { pollIntervalMs: 20, concurrency: 4 } });
      const sideEffects: string[] = [];
      let runs = 0;
      receiver.on('meeting.booked', async (event, ctx) => {
        runs++;
        await ctx.once('crm.activity', async () => {
          sideEffects.push(event.data.meeting.id);
          return { activityId: `act_${sideEffects.length}` };
        });
      });
      await receiver.start();
      app = Fastify();
      await app.register(bookflowFastify, { receiver });
      const base = await app.listen({ port: 0, host: '127.0.0.1' });

      const signed = delivery('meeting.booked');
      const send = async () => {
        const response = await request(`${base}/webhooks/bookflow`, {
          method: 'POST',
          headers: signed.headers,
          body: signed.body,
        });
        return { status: response.statusCode, body: (await response.body.json()) as { status: string } };
      };
      const answers = await pool(
        Array.from({ length: 50 }, () => send),
        10,
      );

      expect(answers.every((a) => a.status === 200)).toBe(true);
      expect(answers.filter((a) => a.body.status === 'accepted')).toHaveLength(1);
      expect(answers.filter((a) => a.body.status === 'duplicate')).toHaveLength(49);
      await waitFor(
        async () => runs === 1 && (await store.depth()).queued + (await store.depth()).running === 0,
        {
          what: 'the job to be processed',
        },
      );
      // Give a wrongly enqueued second job the chance to run before counting.
      await new Promise((resolve) => setTimeout(resolve, 100));
      expect(runs).toBe(1);
      expect(sideEffects).toHaveLength(1);
      const hits = await receiver.metrics.registry.getSingleMetricAsString(
        'bookflow_receiver_dedupe_hits_total',
      );
      expect(hits).toContain('bookflow_receiver_dedupe_hits_total{type="meeting.booked"} 49');
    });
  });
}
