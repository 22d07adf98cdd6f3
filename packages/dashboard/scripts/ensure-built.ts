import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

// `npm start` (and the browser tests) build the dashboard when its build is missing or older than
// its sources, so a fresh clone needs nothing but `npm install && npm start`.

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const DIST_INDEX = join(ROOT, 'dist', 'index.html');
/** Everything the build reads: a change to any of these makes the build stale. */
const SOURCES = [
  join(ROOT, 'src'),
  join(ROOT, 'index.html'),
  join(ROOT, 'vite.config.ts'),
  join(ROOT, 'package.json'),
  join(ROOT, '..', '..', 'examples', 'verify'),
];

function newest(path: string): number {
  if (!existsSync(path)) return 0;
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  let latest = 0;
  for (const entry of readdirSync(path)) {
    if (entry === 'node_modules' || entry === 'test') continue;
    latest = Math.max(latest, newest(join(path, entry)));
  }
  return latest;
}

export function dashboardBuildIsCurrent(): boolean {
  if (!existsSync(DIST_INDEX)) return false;
  const built = statSync(DIST_INDEX).mtimeMs;
  return SOURCES.every((s) => newest(s) <= built);
}

/** Builds packages/dashboard/dist when needed; says so in one line while it does. */
export async function ensureDashboardBuilt(): Promise<'current' | 'built'> {
  if (dashboardBuildIsCurrent()) return 'current';
  console.log('Building the dashboard (packages/dashboard/dist is missing or older than its sources)…');
  const { build } = await import('vite');
  await build({ configFile: join(ROOT, 'vite.config.ts'), logLevel: 'warn' });
  return 'built';
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  await ensureDashboardBuilt();
}
