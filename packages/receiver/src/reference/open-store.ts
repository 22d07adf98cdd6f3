import { mkdir } from 'node:fs/promises';
import { fromPGlite, fromPgPool } from '@bookflow/pg';
import { PGlite } from '@electric-sql/pglite';
import { Redis } from 'ioredis';
import pg from 'pg';
import type { ReceiverConfig } from '../config/config.ts';
import { MemoryStore } from '../stores/memory/memory-store.ts';
import { PostgresStore } from '../stores/postgres/postgres-store.ts';
import { RedisStore } from '../stores/redis/redis-store.ts';
import type { ReceiverStore } from '../stores/store.ts';

export type StoreConfig = Pick<
  ReceiverConfig,
  'store' | 'databaseUrl' | 'dataDir' | 'dbPoolSize' | 'redisUrl' | 'redisPrefix' | 'dedupeTtlMs'
>;

/** Opens the configured store; Postgres migrations run here, before the first request. */
export async function openStore(config: StoreConfig): Promise<{ store: ReceiverStore; description: string }> {
  const dedupeTtlMs = config.dedupeTtlMs;
  switch (config.store) {
    case 'postgres': {
      if (config.databaseUrl) {
        const pool = new pg.Pool({ connectionString: config.databaseUrl, max: config.dbPoolSize });
        const store = await PostgresStore.create({ db: fromPgPool(pool), dedupeTtlMs });
        return { store, description: `postgres ${redactUrl(config.databaseUrl)}` };
      }
      await mkdir(config.dataDir, { recursive: true });
      const db = await PGlite.create(config.dataDir);
      const store = await PostgresStore.create({ db: fromPGlite(db), dedupeTtlMs });
      return { store, description: `embedded PGlite at ${config.dataDir}` };
    }
    case 'redis': {
      if (!config.redisUrl) throw new Error('REDIS_URL is required for the redis store');
      const redis = new Redis(config.redisUrl, { lazyConnect: true });
      await redis.connect();
      const store = new RedisStore({ redis, keyPrefix: config.redisPrefix, dedupeTtlMs });
      return { store, description: `redis ${redactUrl(config.redisUrl)} prefix ${config.redisPrefix}` };
    }
    case 'memory':
      return {
        store: new MemoryStore({ dedupeTtlMs }),
        description: 'memory (lost on exit; development only)',
      };
  }
}

/** For logs: the connection string without its password. */
export function redactUrl(value: string): string {
  try {
    const parsed = new URL(value);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return '(unparseable URL)';
  }
}
