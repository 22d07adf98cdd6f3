import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { makeApp } from './definition.ts';

/** Writes the Make app's files into integrations/make/app, replacing what was there. Run: npx tsx integrations/make/src/generate.ts */
export const APP_DIR = join(dirname(fileURLToPath(import.meta.url)), '..', 'app');

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  rmSync(APP_DIR, { recursive: true, force: true });
  for (const [path, content] of Object.entries(makeApp())) {
    mkdirSync(dirname(join(APP_DIR, path)), { recursive: true });
    writeFileSync(join(APP_DIR, path), content);
  }
  console.log(`wrote the Make app to ${APP_DIR}`);
}
