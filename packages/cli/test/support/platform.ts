import type { PlatformConfig } from '../../../platform/src/config/config.ts';
import { type BackendName, openTestDatabase } from '../../../platform/test/support/databases.ts';
import { ADMIN_TOKEN, testPlatform } from '../../../platform/test/support/platform.ts';

export { ADMIN_TOKEN };

/**
 * A real platform (API and worker) on a fresh database, listening on 127.0.0.1 at a random port,
 * for tests that talk to it over HTTP as the CLI and users do.
 */
export async function servedPlatform(
  backend: BackendName = 'pglite',
  overrides: Partial<PlatformConfig> = {},
) {
  const database = await openTestDatabase(backend);
  const started = await testPlatform(database.db, overrides);
  const address = await started.platform.api!.listen({ port: 0, host: '127.0.0.1' });
  return {
    ...started,
    db: database.db,
    url: address,
    async close() {
      await started.platform.stop();
      await database.close();
    },
  };
}
