// A customer's receiver built with the receiver kit, in its own process: Fastify with the kit's
// plugin (verify, then dedupe + enqueue in one step on the chosen store, then 200). The handler
// worker is not started: this measures the acknowledgement path alone, as when workers run in
// other processes. `bare` is the same Fastify app and raw-body parser answering 200 with no kit:
// the limit of this server on this machine.
import type { AddressInfo } from 'node:net';
import Fastify from 'fastify';
import { Redis } from 'ioredis';
import pg from 'pg';
import { bookflowFastify } from '../../packages/receiver/src/fastify.ts';
import { createReceiver, type ReceiverStore } from '../../packages/receiver/src/index.ts';
import { fromPgPool, PostgresStore } from '../../packages/receiver/src/postgres.ts';
import { RedisStore } from '../../packages/receiver/src/redis.ts';
import { serveChild } from '../support/child-process.ts';
import { type Profile, processProfiler } from '../support/cpu-profile.ts';

export interface ReceiverKitSpec {
  store: 'bare' | 'postgres' | 'redis';
  secret: string;
  databaseUrl?: string;
  /** The kit's reference consumer default (BOOKFLOW_RECEIVER_DB_POOL_SIZE). */
  poolSize?: number;
  redisUrl?: string;
  redisPrefix?: string;
}

async function openStore(spec: ReceiverKitSpec): Promise<ReceiverStore> {
  if (spec.store === 'postgres') {
    const pool = new pg.Pool({ connectionString: spec.databaseUrl!, max: spec.poolSize ?? 10 });
    return PostgresStore.create({ db: fromPgPool(pool) });
  }
  const redis = new Redis(spec.redisUrl!, { lazyConnect: true });
  await redis.connect();
  return new RedisStore({ redis, keyPrefix: spec.redisPrefix! });
}

serveChild<ReceiverKitSpec>(async (spec) => {
  const app = Fastify({ logger: false });
  let store: ReceiverStore | null = null;
  if (spec.store === 'bare') {
    app.removeAllContentTypeParsers();
    app.addContentTypeParser('*', { parseAs: 'buffer' }, (_req, body, done) => done(null, body));
    app.post('/webhooks/bookflow', async (_request, reply) => reply.code(200).send({ ok: true }));
  } else {
    store = await openStore(spec);
    const receiver = createReceiver({ store, secrets: [spec.secret] });
    await app.register(bookflowFastify, { receiver });
  }
  await app.listen({ port: 0, host: '127.0.0.1' });
  let profiler: ReturnType<typeof processProfiler> | null = null;
  return {
    profileStart: async () => {
      profiler = processProfiler();
      await profiler.start();
    },
    profileStop: async (): Promise<Profile | null> => (profiler ? profiler.stop() : null),
    url: () => `http://127.0.0.1:${(app.server.address() as AddressInfo).port}/webhooks/bookflow`,
    depth: async () => (store ? store.depth() : null),
    stop: async () => {
      await app.close();
      await store?.close();
    },
  };
});
