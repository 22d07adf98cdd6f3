// Baseline (a), the limit: the same bodies POSTed to the same receiver by a bare undici loop with
// no storage at all. Headers are signed in prepare, outside the timed part, so this is HTTP alone.
import type { DeliveryJob } from './payloads.ts';
import { deliveryJobs, signer } from './payloads.ts';
import { baselineAgent, type DeliverySystem, post, type WorkerSpec } from './system.ts';

export function bareUndici(spec: WorkerSpec): DeliverySystem {
  const agent = baselineAgent();
  let work: { job: DeliveryJob; headers: Record<string, string> }[] = [];
  let running: Promise<unknown> | null = null;
  let errors = 0;
  return {
    async prepare() {
      const sign = signer(spec.secret);
      work = deliveryJobs(spec.events, spec.urls).map((job) => ({ job, headers: sign(job, 1) }));
    },
    async start() {
      let next = 0;
      // `concurrency` loops share one cursor: at most that many requests in flight, each job once.
      running = Promise.all(
        Array.from({ length: spec.concurrency }, async () => {
          while (next < work.length) {
            const item = work[next++]!;
            if (!(await post(agent, item.job, item.headers).catch(() => false))) errors++;
          }
        }),
      );
    },
    async stats() {
      return { errors };
    },
    async stop() {
      await running;
      await agent.close();
    },
  };
}
