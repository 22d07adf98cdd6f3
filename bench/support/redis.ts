// Redis for the BullMQ baseline and the receiver kit's Redis store: a unique key prefix per run,
// every key under it deleted afterwards.
import { Redis } from 'ioredis';

export const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

export async function redisVersion(): Promise<{ version: string } | { error: string }> {
  const redis = new Redis(REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 1, connectTimeout: 3_000 });
  redis.on('error', () => {});
  try {
    await redis.connect();
    const info = await redis.info('server');
    return { version: `Redis ${/redis_version:(\S+)/.exec(info)?.[1] ?? '?'}` };
  } catch (err) {
    return { error: `${REDIS_URL}: ${(err as Error).message}` };
  } finally {
    redis.disconnect();
  }
}

/** Deletes every key starting with `prefix` (SCAN, never KEYS, so a shared Redis is not blocked). */
export async function deleteKeys(prefix: string): Promise<number> {
  const redis = new Redis(REDIS_URL, { maxRetriesPerRequest: 1 });
  let deleted = 0;
  try {
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
      if (keys.length) deleted += await redis.del(...keys);
      cursor = next;
    } while (cursor !== '0');
  } finally {
    redis.disconnect();
  }
  return deleted;
}
