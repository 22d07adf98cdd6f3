import { openTestDatabase, type TestDatabase } from '../../../packages/platform/test/support/databases.ts';
import { testPlatform } from '../../../packages/platform/test/support/platform.ts';

/**
 * The platform's test setup (packages/platform/test/support), listening on 127.0.0.1 so an
 * integration's own HTTP client reaches it as it would a deployed platform. PGlite only: the
 * integrations talk to the public API, which is the same on either database.
 */
export async function startRunningPlatform() {
  const database: TestDatabase = await openTestDatabase('pglite');
  const t = await testPlatform(database.db);
  await t.platform.api!.listen({ port: 0, host: '127.0.0.1' });
  const address = t.platform.api!.server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    ...t,
    url: `http://127.0.0.1:${port}`,
    async close() {
      await t.platform.stop();
      await database.close();
    },
  };
}
