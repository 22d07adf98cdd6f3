import { deliveryHeaders, generateSecret } from '@bookflow/events';
import type { Db } from '@bookflow/pg';
import { createReceiver, type Receiver } from '@bookflow/receiver';
import { openPGlite } from '@bookflow/receiver/pglite';
import { openPostgres, PostgresStore } from '@bookflow/receiver/postgres';
import type { Connector } from '../../src/connector.ts';
import { connectorsHandler } from '../../src/connector.ts';
import { createTestDatabase, POSTGRES_URL } from './warehouses.ts';

export type StoreBackend = 'pglite' | 'postgres';
export const STORE_BACKENDS: StoreBackend[] = POSTGRES_URL ? ['pglite', 'postgres'] : ['pglite'];

export interface TestReceiver {
  receiver: Receiver;
  db: Db;
  /** Signs and hands an envelope to the receiver as the platform's delivery would. */
  deliver(envelope: Record<string, unknown>): Promise<number>;
  /** Waits until no job is queued or running. */
  settle(): Promise<void>;
  close(): Promise<void>;
}

/**
 * A real receiver (PostgresStore on PGlite or PostgreSQL, its worker running) whose one handler
 * runs the given connectors; the connectors get its database for their own tables.
 */
export async function startReceiver(
  backend: StoreBackend,
  connectors: (db: Db) => Promise<Connector[]>,
): Promise<TestReceiver> {
  const database = backend === 'postgres' ? await createTestDatabase() : null;
  const db = database ? await openPostgres({ connectionString: database.url, max: 8 }) : await openPGlite();
  const store = await PostgresStore.create({ db });
  const secret = generateSecret();
  const receiver = createReceiver({
    store,
    secrets: [secret],
    retry: { delaysMs: [20, 20] },
    worker: { concurrency: 4, pollIntervalMs: 20 },
  });
  const list = await connectors(db);
  receiver.onAny(connectorsHandler(list));
  await receiver.start();
  return {
    receiver,
    db,
    async deliver(envelope) {
      const body = JSON.stringify(envelope);
      const headers = deliveryHeaders({
        eventId: String(envelope.id),
        eventType: String(envelope.type),
        schemaVersion: String(envelope.schema_version),
        attempt: 1,
        deliveredAt: new Date(),
        body,
        secrets: [secret],
      });
      return (await receiver.handle({ headers, body })).status;
    },
    async settle() {
      const deadline = Date.now() + 20_000;
      for (;;) {
        const depth = await store.depth();
        if (depth.queued === 0 && depth.running === 0) return;
        if (Date.now() > deadline) throw new Error(`receiver did not settle: ${JSON.stringify(depth)}`);
        await new Promise((r) => setTimeout(r, 20));
      }
    },
    async close() {
      await receiver.stop();
      for (const c of list) await c.close?.();
      await store.close();
      await database?.drop();
    },
  };
}
