import { PGlite } from '@electric-sql/pglite';
import type { Redis } from 'ioredis';
import pg from 'pg';
import { MemoryStore, type ReceiverStore } from '../../src/index.ts';
import { fromPGlite } from '../../src/pglite.ts';
import { fromPgPool, PostgresStore } from '../../src/postgres.ts';
import { RedisStore } from '../../src/redis.ts';
import { createTestDatabase, DATABASE_URL } from './postgres.ts';
import { connectRedis, deletePrefix, REDIS_URL, uniquePrefix } from './redis.ts';

export interface StoreOptions {
  dedupeTtlMs?: number;
  volumeRetentionMs?: number;
}

/**
 * One kind of store under test: set up once per file, a fresh (empty) store per test.
 * `skip` holds why it cannot run here (an unset environment variable).
 */
export interface StoreHarness {
  name: 'postgres' | 'pglite' | 'redis' | 'memory';
  skip: string | false;
  setup(): Promise<void>;
  /** An empty store; several calls within one test share data (two processes, one database). */
  create(options?: StoreOptions): Promise<ReceiverStore>;
  /** Empties the stores created since the last reset. */
  reset(): Promise<void>;
  teardown(): Promise<void>;
}

const TABLES =
  'bookflow_receiver_dedupe, bookflow_receiver_jobs, bookflow_receiver_ledger, bookflow_receiver_volume';

function postgresHarness(): StoreHarness {
  let database: Awaited<ReturnType<typeof createTestDatabase>> | undefined;
  let pool: pg.Pool | undefined;
  return {
    name: 'postgres',
    skip: DATABASE_URL ? false : 'DATABASE_URL is not set and no local PostgreSQL answered',
    async setup() {
      database = await createTestDatabase();
      pool = new pg.Pool({ connectionString: database.url, max: 12 });
      // As an application does: a client killed while the pool ends it must not crash the run.
      pool.on('error', () => undefined);
    },
    async create(options = {}) {
      return PostgresStore.create({ db: fromPgPool(pool!, { ownsPool: false }), ...options });
    },
    async reset() {
      await pool?.query(`TRUNCATE ${TABLES}`).catch(() => undefined);
    },
    async teardown() {
      await pool?.end();
      await database?.drop();
    },
  };
}

function pgliteHarness(): StoreHarness {
  let db: PGlite | undefined;
  return {
    name: 'pglite',
    skip: false,
    async setup() {
      // Started here so its seconds-long WASM start counts against the hook timeout, not a test.
      db = await PGlite.create();
    },
    async create(options = {}) {
      return PostgresStore.create({ db: fromPGlite(db!, { ownsDb: false }), ...options });
    },
    async reset() {
      await db?.query(`TRUNCATE ${TABLES}`).catch(() => undefined);
    },
    async teardown() {
      await db?.close();
    },
  };
}

function redisHarness(): StoreHarness {
  let redis: Redis | undefined;
  let prefix = uniquePrefix();
  return {
    name: 'redis',
    skip: REDIS_URL ? false : 'REDIS_URL is not set and no local Redis answered',
    async setup() {
      redis = connectRedis();
    },
    async create(options = {}) {
      return new RedisStore({ redis: redis!, keyPrefix: prefix, ownsClient: false, ...options });
    },
    async reset() {
      if (redis) await deletePrefix(redis, prefix);
      prefix = uniquePrefix();
    },
    async teardown() {
      if (!redis) return;
      await deletePrefix(redis, prefix);
      await redis.quit();
    },
  };
}

function memoryHarness(): StoreHarness {
  let shared: MemoryStore | undefined;
  return {
    name: 'memory',
    skip: false,
    async setup() {},
    async create(options = {}) {
      // One process's memory: a second create() in the same test sees the same data.
      shared ??= new MemoryStore(options);
      return shared;
    },
    async reset() {
      shared = undefined;
    },
    async teardown() {},
  };
}

export function storeHarnesses(): StoreHarness[] {
  return [postgresHarness(), pgliteHarness(), redisHarness(), memoryHarness()];
}

/** Says what a file skipped, once, so a run without DATABASE_URL/REDIS_URL is not mistaken for full coverage. */
export function reportSkipped(file: string, harnesses: readonly StoreHarness[]) {
  for (const h of harnesses) {
    if (h.skip) console.warn(`[${file}] skipped the ${h.name} store tests: ${h.skip}`);
  }
}
