// The platform as deployed in one process (API and worker together), on PostgreSQL or, without a
// database URL, on an in-memory embedded PGlite as with `npm start`: what the soak measures. In
// its own process so that its RSS is the platform's alone, not the load generator's.
import type { AddressInfo } from 'node:net';
import { writeHeapSnapshot } from 'node:v8';
import { openPgliteThread } from '@bookflow/pg';
import { createPlatform } from '../../packages/platform/src/app.ts';
import { migrate } from '../../packages/platform/src/db/migrate.ts';
import { serveChild } from '../support/child-process.ts';
import { benchConfig } from '../support/platform-api.ts';

export interface SoakPlatformSpec {
  /** PostgreSQL; null for an in-memory PGlite. */
  databaseUrl: string | null;
  masterKeyHex: string;
  retrySchedule: number[];
  /** BOOKFLOW_MAX_PENDING_PUBLISHES; the platform's default when absent. */
  maxPendingPublishes?: number;
}

serveChild<SoakPlatformSpec>(async (spec) => {
  const db = spec.databaseUrl ? undefined : await openPgliteThread(null);
  if (db) await migrate(db);
  const config = benchConfig({
    roles: ['api', 'worker'],
    masterKey: Buffer.from(spec.masterKeyHex, 'hex'),
    retryScheduleMs: spec.retrySchedule,
    ...(spec.maxPendingPublishes !== undefined ? { maxPendingPublishes: spec.maxPendingPublishes } : {}),
    ...(spec.databaseUrl ? { databaseUrl: spec.databaseUrl } : {}),
  });
  const platform = await createPlatform(config, db ? { db } : {});
  await platform.start();
  return {
    url: () => `http://127.0.0.1:${(platform.api!.server.address() as AddressInfo).port}`,
    memory: () => process.memoryUsage(),
    /** Writes a heap snapshot (after a full GC when exposed) and returns its path. */
    heapSnapshot: (dir: unknown) => {
      (globalThis as { gc?: () => void }).gc?.();
      return writeHeapSnapshot(`${String(dir)}/soak-${Date.now()}.heapsnapshot`);
    },
    stop: async () => {
      await platform.stop();
      await db?.close();
    },
  };
});
