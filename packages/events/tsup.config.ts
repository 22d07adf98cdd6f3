import { defineConfig } from 'tsup';

// ESM and CommonJS, each with its declarations and source maps, for Node 22.12 and newer.
export default defineConfig({
  entry: ['src/index.ts'],
  format: ['esm', 'cjs'],
  target: 'node22',
  platform: 'node',
  dts: true,
  sourcemap: true,
  clean: true,
  tsconfig: 'tsconfig.build.json',
});
