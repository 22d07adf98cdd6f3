import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createReceiver, type Receiver } from '../src/index.ts';
import { delivery, SECRET } from './helpers/deliveries.ts';
import { reportSkipped, storeHarnesses } from './helpers/stores.ts';
import { waitFor } from './helpers/wait.ts';

// Split deployment: one process only acknowledges, another only works. The worker polls every
// 30 s here, so the job is picked up quickly only if the store's notification woke it.

const harnesses = storeHarnesses().filter((h) => h.name !== 'memory');
reportSkipped('wakeups.test.ts', harnesses);

for (const harness of harnesses) {
  describe.skipIf(harness.skip)(`cross-process wakeups with the ${harness.name} store`, () => {
    let worker: Receiver | undefined;
    beforeAll(() => harness.setup());
    afterAll(() => harness.teardown());
    afterEach(async () => {
      await worker?.stop();
      await harness.reset();
    });

    it('a receive-only process wakes an idle worker elsewhere', async () => {
      const front = createReceiver({ store: await harness.create(), secrets: [SECRET] });
      worker = createReceiver({
        store: await harness.create(),
        secrets: [SECRET],
        worker: { pollIntervalMs: 30_000 },
      });
      const seen: string[] = [];
      worker.on('call.connected', (event) => {
        seen.push(event.id);
      });
      await worker.start();
      // Let the first (empty) claim finish so the worker is idle, waiting on its long poll.
      await new Promise((resolve) => setTimeout(resolve, 100));
      const d = delivery('call.connected');
      expect((await front.handle(d)).status).toBe(200);
      await waitFor(() => seen.length === 1, {
        timeoutMs: 3000,
        what: 'the notification to wake the worker',
      });
      expect(seen).toEqual([d.id]);
    });
  });
}
