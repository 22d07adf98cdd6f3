#!/usr/bin/env node
// One bin for both ways the CLI runs, since npm has no separate bin for the published package:
// - installed from the tarball (no src/ shipped): the built dist/bookflow.js, plain node;
// - in the repository (src/ present): the TypeScript source through tsx with the package's
//   tsconfig (whose paths use the repository's packages from source), so `npx bookflow` works
//   right after `npm install` with no build, and a stale dist/ never shadows an edit.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const source = new URL('../src/main.ts', import.meta.url);
if (existsSync(source)) {
  // tsx is a dev dependency of the repository, never needed by the installed package.
  const { register } = await import('tsx/esm/api');
  register({ tsconfig: fileURLToPath(new URL('../tsconfig.json', import.meta.url)) });
  await import(source.href);
} else {
  await import('../dist/bookflow.js');
}
