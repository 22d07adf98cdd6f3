// Baseline (b): what a team would otherwise build with BullMQ on Redis. A queue of one job per
// (event, endpoint), a Worker with the platform's concurrency signing and POSTing each, a non-2xx
// thrown so BullMQ retries it. Completed jobs are removed, as a team would configure to keep Redis
// small. Keys live under a unique prefix that the parent deletes afterwards.
import { Queue, Worker } from 'bullmq';
import { Redis } from 'ioredis';
import { deliveryJobs, signer } from './payloads.ts';
import { baselineAgent, type DeliverySystem, post, type WorkerSpec } from './system.ts';

const QUEUE = 'deliveries';

export function bullmq(spec: WorkerSpec): DeliverySystem {
  const prefix = spec.redisPrefix!;
  // BullMQ requires maxRetriesPerRequest null on the connections its workers block on.
  const connection = () => new Redis(spec.redisUrl!, { maxRetriesPerRequest: null });
  const queueConnection = connection();
  const queue = new Queue(QUEUE, { connection: queueConnection, prefix });
  const agent = baselineAgent();
  const sign = signer(spec.secret);
  let worker: Worker | null = null;
  let failures = 0;
  let stopped = false;
  return {
    async prepare() {
      const jobs = deliveryJobs(spec.events, spec.urls);
      for (let i = 0; i < jobs.length; i += 1_000) {
        await queue.addBulk(
          jobs.slice(i, i + 1_000).map((data) => ({
            name: 'deliver',
            data,
            opts: { attempts: 7, backoff: { type: 'fixed', delay: 1_000 }, removeOnComplete: true },
          })),
        );
      }
    },
    async start() {
      worker = new Worker(
        QUEUE,
        async (job) => {
          const ok = await post(agent, job.data, sign(job.data, job.attemptsMade + 1));
          if (!ok) {
            failures++;
            throw new Error('non-2xx');
          }
        },
        { connection: connection(), prefix, concurrency: spec.concurrency },
      );
      worker.on('error', () => {});
    },
    async stats() {
      return { failures };
    },
    async stop() {
      if (stopped) return;
      stopped = true;
      await worker?.close();
      await queue.obliterate({ force: true }).catch(() => {});
      await queue.close();
      queueConnection.disconnect();
      await agent.close();
    },
  };
}
