// A worker-only platform process, for tests that kill it with SIGKILL. Configured by the environment.
import { createPlatform } from '../../src/app.ts';
import { loadConfig, resolveMasterKey } from '../../src/config/config.ts';

const platform = await createPlatform(resolveMasterKey({ ...loadConfig(), roles: ['worker'] }));
await platform.start();
process.stdout.write('worker-ready\n');
