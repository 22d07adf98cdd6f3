// Baseline (b): what a team would otherwise build with pg-boss on PostgreSQL. One job per (event,
// endpoint); `loops` fetch loops of `batch` jobs each keep the platform's concurrency in flight.
// fetch/complete is used rather than work(): pg-boss 10's work() sleeps its polling interval
// (at least 500 ms) after every batch, which would cap it far below what pg-boss can do.
import PgBoss from 'pg-boss';
import { type DeliveryJob, deliveryJobs, signer } from './payloads.ts';
import { baselineAgent, type DeliverySystem, post, type WorkerSpec } from './system.ts';

const QUEUE = 'deliveries';
const BATCH = 50;

export function pgBoss(spec: WorkerSpec): DeliverySystem {
  const boss = new PgBoss({ connectionString: spec.databaseUrl!, max: 10, schedule: false });
  boss.on('error', () => {});
  const agent = baselineAgent();
  const sign = signer(spec.secret);
  let running = false;
  let loops: Promise<void>[] = [];
  let failures = 0;
  let stopped = false;

  async function loop() {
    while (running) {
      const jobs = await boss.fetch<DeliveryJob>(QUEUE, { batchSize: BATCH, includeMetadata: true });
      if (jobs.length === 0) {
        await new Promise((r) => setTimeout(r, 50));
        continue;
      }
      const results = await Promise.all(
        jobs.map((job) => post(agent, job.data, sign(job.data, job.retryCount + 1)).catch(() => false)),
      );
      const ok = jobs.filter((_, i) => results[i]).map((j) => j.id);
      const failed = jobs.filter((_, i) => !results[i]).map((j) => j.id);
      failures += failed.length;
      if (ok.length) await boss.complete(QUEUE, ok);
      if (failed.length) await boss.fail(QUEUE, failed);
    }
  }

  return {
    async prepare() {
      await boss.start();
      await boss.createQueue(QUEUE, { name: QUEUE, retryLimit: 6, retryDelay: 1 });
      const jobs = deliveryJobs(spec.events, spec.urls);
      for (let i = 0; i < jobs.length; i += 1_000) {
        await boss.insert(
          jobs.slice(i, i + 1_000).map((data) => ({ name: QUEUE, data, retryLimit: 6, retryDelay: 1 })),
        );
      }
    },
    async start() {
      running = true;
      loops = Array.from({ length: Math.max(1, Math.round(spec.concurrency / BATCH)) }, () => loop());
    },
    async stats() {
      return { failures };
    },
    async stop() {
      if (stopped) return;
      stopped = true;
      running = false;
      await Promise.allSettled(loops);
      await boss.stop({ graceful: false, wait: true }).catch(() => {});
      await agent.close();
    },
  };
}
