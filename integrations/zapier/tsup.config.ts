import { defineConfig } from 'tsup';

// Zapier runs the app from the uploaded folder as CommonJS (package.json "main"); @bookflow/events
// is bundled in so the upload needs no workspace link. zapier-platform-core stays a dependency, as
// Zapier's CLI requires.
export default defineConfig({
  entry: ['src/index.ts'],
  format: ['cjs'],
  target: 'node22',
  platform: 'node',
  noExternal: ['@bookflow/events'],
  external: ['zapier-platform-core'],
  clean: true,
  tsconfig: '../../tsconfig.json',
});
