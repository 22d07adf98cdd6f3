import type { Pool, PoolClient } from 'pg';
import type { Db, Queryable, QueryResult } from './db.ts';

function queryable(client: Pool | PoolClient): Queryable {
  return {
    async query<R>(sql: string, params?: readonly unknown[]): Promise<QueryResult<R>> {
      const result = await client.query(sql, params as unknown[] | undefined);
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
  /** Told about connection errors of idle pooled clients (the pool replaces them by itself). */
  onError?: (error: Error) => void;
}

/** Adapts a node-postgres Pool. */
export function fromPgPool(pool: Pool, options: PgAdapterOptions = {}): Db {
  // pg-pool re-emits an idle client's connection error on the pool, and an 'error' event with no
  // listener crashes the process (a PostgreSQL restart would take the receiver down). The pool
  // discards that client by itself and the next query connects again, so reporting is enough.
  if (pool.listenerCount('error') === 0) pool.on('error', (error) => options.onError?.(error));
  const base = queryable(pool);
  return {
    ...base,
    async transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T> {
      const client = await pool.connect();
      // The pool listens for errors only on idle clients; a checked-out client whose backend is
      // terminated emits 'error', which would crash the process without a listener. The failed
      // query rejects by itself; the broken client is then discarded rather than reused.
      let broken: Error | undefined;
      const onError = (error: Error) => {
        broken = error;
      };
      client.on('error', onError);
      try {
        await client.query('BEGIN');
        const result = await fn(queryable(client));
        await client.query('COMMIT');
        return result;
      } catch (error) {
        await client.query('ROLLBACK').catch(() => undefined);
        throw error;
      } finally {
        client.off('error', onError);
        client.release(broken);
      }
    },
    async listen(channel, onNotify) {
      // LISTEN is per connection, so the listener keeps one client out of the pool until stopped.
      const client = await pool.connect();
      const handler = (message: { channel: string; payload?: string }) => {
        if (message.channel === channel) onNotify(message.payload ?? '');
      };
      // A lost listening connection must not crash the process: notifications stop, and the
      // worker's polling keeps jobs moving until the listener is stopped.
      let broken: Error | undefined;
      const onError = (error: Error) => {
        broken = error;
      };
      client.on('error', onError);
      client.on('notification', handler);
      await client.query(`LISTEN ${quoteIdentifier(channel)}`);
      return async () => {
        client.off('notification', handler);
        try {
          if (!broken) await client.query(`UNLISTEN ${quoteIdentifier(channel)}`);
          client.off('error', onError);
          client.release(broken);
        } catch (error) {
          client.off('error', onError);
          client.release(error as Error);
        }
      };
    },
    async close() {
      if (options.ownsPool ?? true) await pool.end();
    },
  };
}

/** Channels are identifiers, which cannot be bound as parameters; quote them instead. */
export function quoteIdentifier(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}
