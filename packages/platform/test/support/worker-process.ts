// A worker-only platform process, for tests that kill it with SIGKILL. Configured by the environment.
import { createPlatform } from '../../src/app.ts';
import { loadConfig } from '../../src/config/config.ts';

const platform = await createPlatform({ ...loadConfig(), roles: ['worker'] });
await platform.start();
process.stdout.write('worker-ready\n');
