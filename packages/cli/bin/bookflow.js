#!/usr/bin/env node
// The CLI is TypeScript; tsx compiles it on the fly with the package's tsconfig (whose paths use
// the repository's packages from source), so `npx bookflow` works right after `npm install`.
import { fileURLToPath } from 'node:url';
import { register } from 'tsx/esm/api';

register({ tsconfig: fileURLToPath(new URL('../tsconfig.json', import.meta.url)) });
await import('../src/main.ts');
