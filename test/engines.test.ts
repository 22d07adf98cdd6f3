// npm warns EBADENGINE when it installs a package whose `engines.node` excludes the running Node.
// Dependencies raise their floors over time (OpenTelemetry, undici, react-router did), so this reads
// the lockfile and checks, at every lower bound a workspace claims, each package it would install:
// the whole tree for the repository, the production dependencies for each workspace.
import { readFileSync } from 'node:fs';
import semver from 'semver';
import { describe, expect, it } from 'vitest';

interface LockEntry {
  version?: string;
  link?: boolean;
  resolved?: string;
  optional?: boolean;
  os?: string[];
  cpu?: string[];
  engines?: { node?: string } | string[];
  dependencies?: Record<string, string>;
  optionalDependencies?: Record<string, string>;
}

const lock = JSON.parse(readFileSync(new URL('../package-lock.json', import.meta.url), 'utf8')) as {
  packages: Record<string, LockEntry>;
};
const entries = lock.packages;

/** npm skips an optional package built for another platform, and so never checks its engines. */
function installedHere(entry: LockEntry): boolean {
  const fits = (list: string[] | undefined, value: string) =>
    !list || list.some((x) => x === value) || list.every((x) => x.startsWith('!') && x !== `!${value}`);
  return !entry.optional || (fits(entry.os, process.platform) && fits(entry.cpu, process.arch));
}

/** Where Node resolves `name` from the package at `from`: the nearest node_modules going up. */
function resolveFrom(from: string, name: string): string | undefined {
  let dir = from;
  for (;;) {
    const key = dir ? `${dir}/node_modules/${name}` : `node_modules/${name}`;
    if (entries[key]) return entries[key].link ? entries[key].resolved : key;
    if (!dir) return undefined;
    const up = dir.lastIndexOf('/node_modules/');
    dir = up >= 0 ? dir.slice(0, up) : '';
  }
}

function productionClosure(workspace: string): string[] {
  const seen = new Set<string>();
  const stack = [workspace];
  while (stack.length > 0) {
    const key = stack.pop()!;
    if (seen.has(key)) continue;
    seen.add(key);
    const entry = entries[key]!;
    for (const name of Object.keys({ ...entry.dependencies, ...entry.optionalDependencies })) {
      const found = resolveFrom(key, name);
      if (found && entries[found]) stack.push(found);
    }
  }
  seen.delete(workspace);
  return [...seen];
}

/** The lowest version of each alternative of a range: `^22.22.0 || >=24.11.0` gives both floors. */
function floors(range: string): string[] {
  return new semver.Range(range).set.map(
    (comparators) => semver.minVersion(comparators.map((c) => c.value).join(' '))!.version,
  );
}

function refusals(keys: string[], node: string): string[] {
  return keys.flatMap((key) => {
    const entry = entries[key]!;
    const wanted = Array.isArray(entry.engines) ? undefined : entry.engines?.node;
    if (!wanted || !installedHere(entry) || semver.satisfies(node, wanted)) return [];
    return [`${key.replace(/^.*node_modules\//, '')}@${entry.version} wants node ${wanted}`];
  });
}

const engines = (key: string) => {
  const wanted = entries[key]?.engines;
  return Array.isArray(wanted) ? undefined : wanted?.node;
};
const workspaces = Object.keys(entries).filter((key) => key !== '' && !key.includes('node_modules'));

describe('supported Node versions', () => {
  it('the repository states one range, and npm install warns on none of its floors', () => {
    const range = engines('')!;
    expect(range).toBeDefined();
    const everything = Object.keys(entries).filter((key) => key.includes('node_modules/'));
    for (const node of floors(range)) expect(refusals(everything, node), `on Node ${node}`).toEqual([]);
  });

  it.each(workspaces)('%s: its production dependencies accept every Node its engines field allows', (ws) => {
    const range = engines(ws);
    expect(range, `${ws} has no engines.node`).toBeDefined();
    const closure = productionClosure(ws);
    for (const node of floors(range!)) expect(refusals(closure, node), `on Node ${node}`).toEqual([]);
  });
});
