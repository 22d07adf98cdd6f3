// `@bookflow/receiver/redis`: the Redis store. Needs the `ioredis` package (optional peer).
export { connectRedis } from './stores/redis/connect.ts';
export { RedisStore, type RedisStoreOptions } from './stores/redis/redis-store.ts';
