// Reads a V8 CPU profile (from the inspector's Profiler domain) and sums self time per function
// and per package, to say where a worker's CPU goes without opening a profiler UI.
import { existsSync, readFileSync } from 'node:fs';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
}
interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

export interface HotSpot {
  where: string;
  selfMs: number;
  share: number;
}

/** Where a frame's code lives: a file inside a package, a file of this repository, or node internals. */
function place(url: string): string {
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)\/(.*)$/.exec(url);
  if (pkg) return `${pkg[1]}/${pkg[2]}`;
  const own = /\/((?:packages|bench)\/[^?]+)/.exec(url);
  return own ? own[1]! : url;
}

/** The coarser grouping: the npm package, this repository's folder, or the node: module. */
function area(url: string): string {
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(url);
  if (pkg) return `npm ${pkg[1]}`;
  const own = /\/((?:packages\/[^/]+\/src|bench)\/(?:[^/?]+\/)?)/.exec(url);
  if (own) return own[1]!;
  return url.startsWith('node:') ? url : `other ${url}`;
}

/** Self time by function and by package or folder, from a profile written by children/worker.ts. */
export function hotSpots(file: string, top = 12): { functions: HotSpot[]; places: HotSpot[] } | null {
  if (!existsSync(file)) return null;
  const profile = JSON.parse(readFileSync(file, 'utf8')) as Profile;
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const functions = new Map<string, number>();
  const places = new Map<string, number>();
  const add = (map: Map<string, number>, key: string, us: number) => map.set(key, (map.get(key) ?? 0) + us);
  let total = 0;
  profile.samples.forEach((id, i) => {
    const frame = byId.get(id)?.callFrame;
    const us = profile.timeDeltas[i] ?? 0;
    total += us;
    const name = frame?.functionName || '(anonymous)';
    add(functions, frame?.url ? `${name} ${place(frame.url)}:${frame.lineNumber + 1}` : name, us);
    add(places, frame?.url ? area(frame.url) : `(${name})`, us);
  });
  const rank = (map: Map<string, number>) =>
    [...map]
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([where, us]) => ({ where, selfMs: us / 1000, share: us / total }));
  return { functions: rank(functions), places: rank(places) };
}
