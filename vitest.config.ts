import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const source = (path: string) => fileURLToPath(new URL(path, import.meta.url));

export default defineConfig({
  resolve: {
    // The packages from source (as tsconfig.json's paths): npm test needs no build.
    alias: [
      { find: /^@bookflow\/events$/, replacement: source('./packages/events/src/index.ts') },
      { find: /^@bookflow\/receiver$/, replacement: source('./packages/receiver/src/index.ts') },
      { find: /^@bookflow\/receiver\/(.+)$/, replacement: source('./packages/receiver/src/$1.ts') },
    ],
  },
  test: {
    include: [
      'packages/*/test/**/*.test.ts',
      'examples/*/test/**/*.test.ts',
      'integrations/*/test/**/*.test.ts',
      'observability/test/**/*.test.ts',
      'test/**/*.test.ts',
    ],
    // Finds local PostgreSQL and Redis when DATABASE_URL / REDIS_URL are unset, and says which.
    // The dashboard is built once (when missing or stale) for its browser tests.
    globalSetup: ['./test/local-services.ts', './packages/dashboard/test/global-build.ts'],
    // Integration tests start real HTTP servers and databases; two cores means little to gain from more.
    maxWorkers: 2,
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});
