import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { delivery, SECRET } from './helpers/deliveries.ts';
import { createTestDatabase, DATABASE_URL } from './helpers/postgres.ts';
import { connectRedis, deletePrefix, REDIS_URL, uniquePrefix } from './helpers/redis.ts';

// A real process, really killed (SIGKILL: no shutdown hook runs) after it acknowledged a delivery
// and before the event was processed. After a restart the event is processed, once.

const CHILD = fileURLToPath(new URL('./fixtures/crash-child.ts', import.meta.url));

interface Child {
  process: ChildProcess;
  messages: Record<string, unknown>[];
  waitFor(key: string): Promise<Record<string, unknown>>;
}

function startChild(env: Record<string, string>): Promise<{ child: Child; address: string }> {
  // node --import tsx: one process, so the SIGKILL hits the receiver itself (the tsx CLI would
  // put a wrapper process in between).
  const proc = spawn(process.execPath, ['--import', 'tsx', CHILD], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const messages: Record<string, unknown>[] = [];
  const waiters: { key: string; resolve: (m: Record<string, unknown>) => void }[] = [];
  let stderr = '';
  proc.stderr!.on('data', (chunk) => {
    stderr += chunk;
  });
  createInterface({ input: proc.stdout! }).on('line', (line) => {
    let message: Record<string, unknown>;
    try {
      message = JSON.parse(line);
    } catch {
      return;
    }
    messages.push(message);
    for (const w of waiters.filter((w) => w.key in message)) {
      waiters.splice(waiters.indexOf(w), 1);
      w.resolve(message);
    }
  });
  const child: Child = {
    process: proc,
    messages,
    waitFor(key) {
      const seen = messages.find((m) => key in m);
      if (seen) return Promise.resolve(seen);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(
          () => reject(new Error(`child never said "${key}"; stderr: ${stderr}`)),
          60_000,
        );
        waiters.push({
          key,
          resolve: (m) => {
            clearTimeout(timer);
            resolve(m);
          },
        });
      });
    },
  };
  return child.waitFor('ready').then((m) => ({ child, address: String(m.ready) }));
}

function kill(child: Child, signal: NodeJS.Signals): Promise<number | null> {
  return new Promise((resolve) => {
    child.process.once('exit', (code) => resolve(code));
    child.process.kill(signal);
  });
}

async function post(address: string, d: { headers: Record<string, string>; body: string }) {
  const response = await request(`${address}/webhooks/bookflow`, {
    method: 'POST',
    headers: d.headers,
    body: d.body,
  });
  return { status: response.statusCode, body: (await response.body.json()) as Record<string, unknown> };
}

interface Target {
  name: string;
  skip: string | false;
  setup(): Promise<Record<string, string>>;
  teardown(): Promise<void>;
}

const workDir = mkdtempSync(join(tmpdir(), 'bookflow-recv-crash-'));
let database: Awaited<ReturnType<typeof createTestDatabase>> | undefined;
const redisPrefix = uniquePrefix();

const targets: Target[] = [
  {
    name: 'postgres',
    skip: DATABASE_URL ? false : 'DATABASE_URL is not set and no local PostgreSQL answered',
    async setup() {
      database = await createTestDatabase();
      return { STORE_KIND: 'postgres', DATABASE_URL: database.url };
    },
    async teardown() {
      await database?.drop();
    },
  },
  {
    name: 'pglite',
    skip: false,
    async setup() {
      return { STORE_KIND: 'pglite', PGLITE_DIR: join(workDir, 'pglite') };
    },
    async teardown() {},
  },
  {
    name: 'redis',
    skip: REDIS_URL ? false : 'REDIS_URL is not set and no local Redis answered',
    async setup() {
      return { STORE_KIND: 'redis', REDIS_URL: REDIS_URL!, REDIS_PREFIX: redisPrefix };
    },
    async teardown() {
      const redis = connectRedis();
      await deletePrefix(redis, redisPrefix);
      await redis.quit();
    },
  },
];
for (const t of targets)
  if (t.skip) console.warn(`[crash-recovery.test.ts] skipped the ${t.name} store: ${t.skip}`);

afterAll(() => rmSync(workDir, { recursive: true, force: true }));

for (const target of targets) {
  // Two process starts per test; PGlite's WASM start alone takes seconds on a loaded machine.
  describe.skipIf(target.skip)(`crash recovery with the ${target.name} store`, { timeout: 120_000 }, () => {
    let env: Record<string, string>;
    const children: Child[] = [];
    beforeAll(async () => {
      env = { ...(await target.setup()), SECRET, LEASE_MS: '1000' };
    });
    afterAll(async () => {
      for (const c of children)
        if (c.process.exitCode === null && c.process.signalCode === null) await kill(c, 'SIGKILL');
      await target.teardown();
    });

    async function run(extra: Record<string, string>) {
      const started = await startChild({ ...env, ...extra });
      children.push(started.child);
      return started;
    }

    function effects(file: string, id: string) {
      return readFileSync(file, 'utf8')
        .split('\n')
        .filter((line) => line === id).length;
    }

    it('killed after acknowledging, before the worker claimed the job: processed once after restart', async () => {
      const effectsFile = join(workDir, `${target.name}-unclaimed.log`);
      writeFileSync(effectsFile, '');
      const first = await run({ WORKER: '0', EFFECTS_FILE: effectsFile });
      const d = delivery('meeting.booked');
      expect(await post(first.address, d)).toEqual({ status: 200, body: { id: d.id, status: 'accepted' } });
      expect(await kill(first.child, 'SIGKILL')).toBeNull();

      const second = await run({ EFFECTS_FILE: effectsFile });
      await second.child.waitFor('processed');
      // The sender retries (it never saw our 200, say): a duplicate, not a second run.
      expect((await post(second.address, d)).body.status).toBe('duplicate');
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(effects(effectsFile, d.id)).toBe(1);
      expect(await kill(second.child, 'SIGTERM')).toBe(0);
    });

    it('killed while the handler ran: the lease expires, the restarted worker processes it once', async () => {
      const effectsFile = join(workDir, `${target.name}-running.log`);
      writeFileSync(effectsFile, '');
      const first = await run({ HANG: '1', EFFECTS_FILE: effectsFile });
      const d = delivery('meeting.booked');
      expect((await post(first.address, d)).status).toBe(200);
      expect(await first.child.waitFor('handling')).toMatchObject({ handling: d.id, attempt: 1 });
      await kill(first.child, 'SIGKILL');
      expect(effects(effectsFile, d.id)).toBe(0);

      const second = await run({ EFFECTS_FILE: effectsFile });
      const handled = await second.child.waitFor('processed');
      expect(handled.processed).toBe(d.id);
      // The crashed attempt counts: this is the second.
      expect(second.child.messages.find((m) => m.handling === d.id)).toMatchObject({ attempt: 2 });
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(effects(effectsFile, d.id)).toBe(1);
      expect(await kill(second.child, 'SIGTERM')).toBe(0);
    });
  });
}
