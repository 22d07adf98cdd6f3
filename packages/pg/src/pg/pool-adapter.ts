import type { Pool, PoolClient } from 'pg';
import type { Db, Queryable, QueryOptions, QueryResult } from '../db.ts';
import { isConnectionLost } from '../retryable-errors.ts';
import { type ListenConnection, Listener } from './listener.ts';

function queryable(client: Pool | PoolClient): Queryable {
  return {
    async query<R>(
      sql: string,
      params?: readonly unknown[],
      options?: QueryOptions,
    ): Promise<QueryResult<R>> {
      const values = params as unknown[] | undefined;
      // node-postgres prepares a named statement on each connection the first time it runs there.
      const result = await (options?.name
        ? client.query({ name: options.name, text: sql, values })
        : client.query(sql, values));
      return { rows: result.rows as R[], rowCount: result.rowCount ?? 0 };
    },
    async exec(sql: string) {
      // Without parameters node-postgres uses the simple protocol, which runs several statements.
      await client.query(sql);
    },
  };
}

export interface PgAdapterOptions {
  /** Close the pool in `close()`. Default true; pass false when the application shares its pool. */
  ownsPool?: boolean;
  /** Told about connection errors: idle pooled clients, transactions and the LISTEN connection. */
  onError?: (error: Error) => void;
  /**
   * Where LISTEN connections come from. Default: a client of the pool, held until unlistened (a
   * shared pool then has one client fewer for queries). `openPostgres` passes dedicated clients.
   */
  connectListener?: () => Promise<ListenConnection>;
}

/** Adapts a node-postgres Pool (the application's own, or one made by `openPostgres`). */
export function fromPgPool(pool: Pool, options: PgAdapterOptions = {}): Db {
  const onError = options.onError ?? (() => undefined);
  // pg-pool re-emits an idle client's connection error on the pool, and an 'error' event with no
  // listener crashes the process (a PostgreSQL restart would take it down). The pool discards that
  // client by itself and the next query connects again, so reporting is enough. A shared pool that
  // already has a listener is left to it, so wrapping one pool many times adds none.
  const poolListener = options.onError || pool.listenerCount('error') === 0 ? onError : null;
  if (poolListener) pool.on('error', poolListener);
  const connectListener = options.connectListener ?? (() => pooledListenConnection(pool));
  const listeners = new Set<Listener>();
  return {
    ...queryable(pool),
    async transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T> {
      const client = await pool.connect();
      // The pool listens for errors only on idle clients; a checked-out client whose backend is
      // terminated emits 'error', which would crash the process without a listener. The failed
      // query rejects by itself; the broken client is then discarded rather than reused.
      let broken: Error | undefined;
      const onClientError = (error: Error) => {
        broken = error;
        onError(error);
      };
      client.on('error', onClientError);
      try {
        await client.query('BEGIN');
        const result = await fn(queryable(client));
        await client.query('COMMIT');
        return result;
      } catch (error) {
        await client.query('ROLLBACK').catch(() => undefined);
        if (!broken && isConnectionLost(error)) broken = error as Error;
        throw error;
      } finally {
        // A broken client keeps the listener: its socket may still emit while being destroyed.
        if (!broken) client.off('error', onClientError);
        client.release(broken);
      }
    },
    async listen(channel, onNotify) {
      const listener = new Listener({ connect: connectListener, channel, onNotify, onError });
      // In the set before it connects, so a close() meanwhile stops it too.
      listeners.add(listener);
      try {
        await listener.start();
      } catch (error) {
        listeners.delete(listener);
        throw error;
      }
      return async () => {
        listeners.delete(listener);
        await listener.stop();
      };
    },
    async close() {
      await Promise.all([...listeners].map((l) => l.stop()));
      listeners.clear();
      if (options.ownsPool ?? true) await pool.end();
      else if (poolListener) pool.off('error', poolListener);
    },
  };
}

async function pooledListenConnection(pool: Pool): Promise<ListenConnection> {
  const client = await pool.connect();
  return {
    client,
    async release(error) {
      client.release(error);
    },
  };
}
