import { MemoryStore, type ReceiverStore } from '@bookflow/receiver';
import { openPGlite } from '@bookflow/receiver/pglite';
import { openPostgres, PostgresStore } from '@bookflow/receiver/postgres';
import { connectRedis, RedisStore } from '@bookflow/receiver/redis';
import type { ReceiverConfig } from './config/config.ts';

export type StoreConfig = Pick<
  ReceiverConfig,
  'store' | 'databaseUrl' | 'dataDir' | 'dbPoolSize' | 'redisUrl' | 'redisPrefix' | 'dedupeTtlMs'
>;

/**
 * Opens the configured store; Postgres migrations run here, before the first request. Each
 * driver is loaded only when its store is chosen.
 */
export async function openStore(config: StoreConfig): Promise<{ store: ReceiverStore; description: string }> {
  const dedupeTtlMs = config.dedupeTtlMs;
  switch (config.store) {
    case 'postgres': {
      if (config.databaseUrl) {
        const db = await openPostgres({ connectionString: config.databaseUrl, max: config.dbPoolSize });
        const store = await PostgresStore.create({ db, dedupeTtlMs });
        return { store, description: `postgres ${redactUrl(config.databaseUrl)}` };
      }
      const store = await PostgresStore.create({ db: await openPGlite(config.dataDir), dedupeTtlMs });
      return { store, description: `embedded PGlite at ${config.dataDir}` };
    }
    case 'redis': {
      if (!config.redisUrl) throw new Error('REDIS_URL is required for the redis store');
      const redis = await connectRedis(config.redisUrl);
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
function redactUrl(value: string): string {
  try {
    const parsed = new URL(value);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return '(unparseable URL)';
  }
}
