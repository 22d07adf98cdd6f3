import { execFile } from 'node:child_process';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

// What a customer does with a package of this repository: npm pack it, then npm install the
// tarball into a project of their own without TypeScript tooling. Shared by the pack-install tests.

export const run = promisify(execFile);
export const ROOT = fileURLToPath(new URL('../../../../', import.meta.url));

/** The version the repository already installed, so the consumer's install comes from the cache. */
export function installed(name: string): string {
  return JSON.parse(readFileSync(join(ROOT, 'node_modules', name, 'package.json'), 'utf8')).version;
}

/** Packs packages/<pkg> for each of `packages` into `dir`; returns `file:` specs by package. */
export async function pack(dir: string, packages: string[]): Promise<(pkg: string) => string> {
  for (const pkg of packages) {
    await run('npm', ['pack', '--pack-destination', dir], { cwd: join(ROOT, 'packages', pkg) });
  }
  const tarballs = readdirSync(dir).filter((f) => f.endsWith('.tgz'));
  return (pkg) => `file:./${tarballs.find((f) => f.startsWith(`bookflow-${pkg}-`))}`;
}

/** A project in `dir` depending on `dependencies`, installed with plain npm (no install scripts). */
export async function installProject(dir: string, dependencies: Record<string, string>): Promise<void> {
  writeFileSync(
    join(dir, 'package.json'),
    JSON.stringify({ name: 'bookflow-consumer', private: true, dependencies }),
  );
  await run('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', '--ignore-scripts'], {
    cwd: dir,
  });
}
