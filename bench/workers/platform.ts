// The system under test: a worker-only BookFlow platform, configured as `BOOKFLOW_ROLES=worker`
// would be, opening its database the way the platform does (openDatabase: its own pool and
// migrations), with that Db wrapped to time each statement. Its queue is filled by the parent
// through the API before `start`.

import type { Db } from '@bookflow/pg';
import { createPlatform, type Platform } from '../../packages/platform/src/app.ts';
import { testConfig } from '../../packages/platform/src/config/config.ts';
import { openDatabase } from '../../packages/platform/src/db/open.ts';
import type { Tracing } from '../../packages/platform/src/tracing/sdk.ts';
import { timeDb } from '../support/timed-db.ts';
import type { DeliverySystem, WorkerSpec } from './system.ts';

export function platformWorker(spec: WorkerSpec): DeliverySystem {
  const config = testConfig({
    roles: ['worker'],
    databaseUrl: spec.databaseUrl!,
    masterKey: Buffer.from(spec.masterKeyHex!, 'hex'),
    adminToken: 'bench-admin',
    // The receiver listens on 127.0.0.1, which the SSRF guard refuses by default.
    allowPrivateDestinations: true,
    logLevel: 'warn',
    workerConcurrency: spec.concurrency,
    ...(spec.retryScheduleMs ? { retryScheduleMs: spec.retryScheduleMs } : {}),
  });
  let raw: Db | null = null;
  let timing: ReturnType<typeof timeDb> | null = null;
  let platform: Platform | null = null;
  let tracing: Tracing | null = null;
  let stopped = false;
  return {
    async prepare() {
      // As main.ts does: before the platform is created, and the SDK loaded only with an endpoint.
      if (spec.otlpEndpoint) {
        const { startTracing } = await import('../../packages/platform/src/tracing/sdk.ts');
        tracing = startTracing({ endpoint: spec.otlpEndpoint, serviceName: 'bookflow-bench-worker' });
      }
      raw = await openDatabase(config);
      timing = timeDb(raw);
      platform = await createPlatform(config, { db: timing.db });
    },
    async start() {
      await platform!.start();
    },
    async stats() {
      return { statements: timing?.report() ?? [] };
    },
    async flush() {
      await tracing?.flush();
    },
    async stop() {
      if (stopped) return;
      stopped = true;
      await platform?.stop();
      await raw?.close();
      await tracing?.stop();
    },
  };
}
