import { cp } from 'node:fs/promises';
import { defineConfig } from 'tsup';

// One entry per subpath export, so an application loads only the adapter and store it uses.
// ESM and CommonJS, each with its declarations and source maps, for Node 22.12 and newer.
export default defineConfig({
  entry: [
    'src/index.ts',
    'src/express.ts',
    'src/fastify.ts',
    'src/fetch.ts',
    'src/postgres.ts',
    'src/pglite.ts',
    'src/redis.ts',
  ],
  format: ['esm', 'cjs'],
  target: 'node22',
  platform: 'node',
  // The internal Postgres layer (@bookflow/pg, not published) is bundled in, code and types;
  // the drivers it loads stay external (optional peers).
  noExternal: ['@bookflow/pg'],
  dts: { resolve: [/^@bookflow\/pg/] },
  sourcemap: true,
  clean: true,
  // import.meta.url (the migrations folder) in the CommonJS build too.
  shims: true,
  tsconfig: 'tsconfig.build.json',
  // The migrator reads its .sql files next to the code that runs it.
  onSuccess: () => cp('src/stores/postgres/migrations', 'dist/migrations', { recursive: true }),
});
