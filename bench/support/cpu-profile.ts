// CPU profiles of a chosen stretch of a run (the inspector's Profiler domain, so start-up and
// module loading through tsx stay out), summed into self time per function and per package, to
// say where a process's CPU goes without opening a profiler UI.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { num, type Table } from './table.ts';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
}
export interface Profile {
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
export interface HotSpots {
  functions: HotSpot[];
  places: HotSpot[];
}

/** Profiles this process between start() and stop(); stop() returns the profile. */
export function processProfiler() {
  const session = new Session();
  session.connect();
  return {
    async start() {
      await session.post('Profiler.enable');
      await session.post('Profiler.start');
    },
    async stop(): Promise<Profile> {
      const { profile } = await session.post('Profiler.stop');
      session.disconnect();
      return profile as unknown as Profile;
    },
  };
}

export function saveProfile(file: string, profile: Profile): void {
  writeFileSync(file, JSON.stringify(profile));
}

export function hotSpotsIn(file: string): HotSpots | null {
  return existsSync(file) ? hotSpots(JSON.parse(readFileSync(file, 'utf8')) as Profile) : null;
}

export function hotSpots(profile: Profile, top = 12): HotSpots {
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

/** Two tables: self time by package or folder, then by function. */
export function profileTables(what: string, spots: HotSpots, note: string): Table[] {
  const share = (x: number) => `${(x * 100).toFixed(1)} %`;
  return [
    {
      title: `${what} CPU profile (--profile): self time by area`,
      headers: ['area', 'self time', 'share'],
      rows: spots.places.map((s) => [s.where, `${num(s.selfMs)} ms`, share(s.share)]),
      notes: [
        note,
        '(idle) is time the event loop waited on sockets; (writev) and (garbage collector) are native.',
      ],
    },
    {
      title: `${what} CPU profile: hottest functions`,
      headers: ['function', 'self time', 'share'],
      rows: spots.functions.map((s) => [s.where, `${num(s.selfMs)} ms`, share(s.share)]),
    },
  ];
}
