import type { Redis } from 'ioredis';
import { loadDriver } from '../drivers.ts';

/** A connected ioredis client for `RedisStore`, loading `ioredis` only now (an optional peer dependency). */
export async function connectRedis(url: string): Promise<Redis> {
  const driver = await loadDriver<{ Redis: typeof Redis }>('ioredis', 'The Redis store');
  const redis = new driver.Redis(url, { lazyConnect: true });
  await redis.connect();
  return redis;
}
