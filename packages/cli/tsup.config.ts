import { defineConfig } from 'tsup';

// The installable CLI: one ESM file for Node 22.12 and newer, run by bin/bookflow.js when the
// package is installed. @bookflow/events is not published, so it is bundled in (from source,
// through the repository's tsconfig paths); the npm dependencies stay external and are installed
// with the package. @bookflow/simulator is a private workspace: `bookflow simulate` finds it only
// in the repository (src/commands/simulate.ts says so elsewhere).
export default defineConfig({
  entry: { bookflow: 'src/main.ts' },
  format: ['esm'],
  target: 'node22',
  platform: 'node',
  noExternal: ['@bookflow/events'],
  external: ['@bookflow/simulator'],
  banner: { js: '#!/usr/bin/env node' },
  sourcemap: true,
  clean: true,
  tsconfig: 'tsconfig.json',
});
