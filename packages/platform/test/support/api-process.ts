// An API-only platform process on a random port, for tests that need two API processes on one
// database. Configured by the environment; prints "api-ready <port>" once it listens.
import type { AddressInfo } from 'node:net';
import { createPlatform } from '../../src/app.ts';
import { loadConfig, resolveMasterKey } from '../../src/config/config.ts';

const platform = await createPlatform(
  resolveMasterKey({ ...loadConfig(), roles: ['api'], port: 0, host: '127.0.0.1' }),
);
await platform.start();
const { port } = platform.api!.server.address() as AddressInfo;
process.stdout.write(`api-ready ${port}\n`);
process.once('SIGTERM', () => {
  void platform.stop().then(() => process.exit(0));
});
