// Runs one delivery system (bench/workers/) in its own process, so its event loop and its RSS are
// its own. Commands: prepare, start, stats (with rss and CPU time), stop.
import { serveChild } from '../support/child-process.ts';
import { processProfiler, saveProfile } from '../support/cpu-profile.ts';
import { bareUndici } from '../workers/bare-undici.ts';
import { bullmq } from '../workers/bullmq.ts';
import { pgBoss } from '../workers/pg-boss.ts';
import { plainPg } from '../workers/plain-pg.ts';
import { platformWorker } from '../workers/platform.ts';
import type { DeliverySystem, WorkerSpec } from '../workers/system.ts';

const systems: Record<WorkerSpec['kind'], (spec: WorkerSpec) => DeliverySystem> = {
  platform: platformWorker,
  bullmq,
  'pg-boss': pgBoss,
  'bare-undici': bareUndici,
  'plain-pg': plainPg,
};

serveChild<WorkerSpec>(async (spec) => {
  const system = systems[spec.kind](spec);
  // With profileFile, the CPU is profiled from `start` to the first `stats`: the delivery alone,
  // not the start-up (module loading through tsx would otherwise dominate).
  let profiler = spec.profileFile ? processProfiler() : null;
  let cpuAtStart = process.cpuUsage();
  let peakRss = 0;
  // RSS sampled while working: the peak is what a deployment must provision.
  const sampler = setInterval(() => {
    peakRss = Math.max(peakRss, process.memoryUsage().rss);
  }, 100);
  sampler.unref();
  return {
    prepare: () => system.prepare(),
    start: async () => {
      await profiler?.start();
      peakRss = process.memoryUsage().rss;
      cpuAtStart = process.cpuUsage();
      await system.start();
    },
    stats: async () => {
      await system.flush?.();
      if (profiler) {
        saveProfile(spec.profileFile!, await profiler.stop());
        profiler = null;
      }
      const cpu = process.cpuUsage(cpuAtStart);
      const rss = process.memoryUsage().rss;
      return {
        rss,
        peakRss: Math.max(peakRss, rss),
        cpuMs: (cpu.user + cpu.system) / 1000,
        ...(await system.stats()),
      };
    },
    stop: async () => {
      clearInterval(sampler);
      await system.stop();
    },
  };
});
