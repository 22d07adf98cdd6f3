import { randomBytes } from 'node:crypto';
import {
  createPlatform,
  migrate as migratePlatform,
  openPglite,
  type Platform,
  testConfig,
} from '@bookflow/platform';

// The real platform (the sender), in process on an embedded database, for tests of the two halves together.

export const ADMIN = 'admin-token-for-this-test';

export async function startPlatform(): Promise<Platform> {
  const db = await openPglite(null);
  await migratePlatform(db);
  const platform = await createPlatform(
    testConfig({
      adminToken: ADMIN,
      masterKey: randomBytes(32),
      allowPrivateDestinations: true,
      retryScheduleMs: [50, 50, 50],
      pollIntervalMs: 50,
      logLevel: 'silent',
    }),
    { db },
  );
  await platform.worker!.start();
  return platform;
}

export async function call(
  platform: Platform,
  method: 'POST' | 'PATCH' | 'GET',
  url: string,
  token: string,
  body?: object,
) {
  const res = await platform.api!.inject({
    method,
    url,
    headers: { authorization: `Bearer ${token}` },
    ...(body ? { payload: body } : {}),
  });
  return res.json() as Record<string, unknown> & { data?: Array<Record<string, unknown>> };
}
