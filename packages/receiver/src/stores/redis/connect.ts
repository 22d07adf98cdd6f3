import { loadDriver } from '@bookflow/pg';
import type { Redis } from 'ioredis';

/** A connected ioredis client for `RedisStore`, loading `ioredis` only now (an optional peer dependency). */
export async function connectRedis(url: string): Promise<Redis> {
  const driver = await loadDriver('ioredis', 'The Redis store', () => import('ioredis'));
  const redis = new driver.Redis(url, { lazyConnect: true });
  await redis.connect();
  return redis;
}
