import pg from 'pg';
import type { Db, Queryable, QueryResult } from './db.ts';

// timestamptz and int8 stay as pg parses them by default (Date, string); count(*) is cast to int in SQL.

export interface PostgresOptions {
  connectionString: string;
  max?: number;
  /** Called when an idle client or the listener connection fails; the pool replaces idle clients itself. */
  onError?: (err: Error) => void;
}

/** Errors after which a connection cannot be reused (admin shutdown, lost socket). */
function isConnectionError(err: unknown): boolean {
  const code = (err as { code?: string } | null)?.code;
  return (
    code === '57P01' ||
    code === '57P02' ||
    code === '57P03' ||
    code === 'ECONNRESET' ||
    code === 'EPIPE' ||
    (err instanceof Error && /Connection terminated|not queryable/i.test(err.message))
  );
}

function wrap(client: pg.Pool | pg.PoolClient): Queryable {
  return {
    async query<T>(sql: string, params: unknown[] = []): Promise<QueryResult<T>> {
      const res = await client.query(sql, params as unknown[]);
      return { rows: res.rows as T[], rowCount: res.rowCount ?? 0 };
    },
  };
}

export function openPostgres(options: PostgresOptions): Db {
  const pool = new pg.Pool({ connectionString: options.connectionString, max: options.max ?? 10 });
  const onError = options.onError ?? (() => {});
  // An idle client losing its connection (e.g. Postgres restarted) must not crash the process.
  pool.on('error', onError);
  const base = wrap(pool);
  const listeners = new Set<ListenerConnection>();

  return {
    kind: 'postgres',
    query: base.query,
    async transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T> {
      const client = await pool.connect();
      // The pool listens for errors only on idle clients. A checked-out client whose backend is
      // terminated (server restart, pg_terminate_backend) emits 'error'; without this listener
      // that would crash the process. The failed query rejects on its own; here we only note it.
      let broken: Error | undefined;
      const onClientError = (err: Error) => {
        broken = err;
        onError(err);
      };
      client.on('error', onClientError);
      try {
        await client.query('BEGIN');
        const result = await fn(wrap(client));
        await client.query('COMMIT');
        return result;
      } catch (err) {
        await client.query('ROLLBACK').catch(() => {});
        broken ??= isConnectionError(err) ? (err as Error) : undefined;
        throw err;
      } finally {
        client.off('error', onClientError);
        // A broken client is destroyed rather than returned to the pool.
        client.release(broken);
      }
    },
    async listen(channel, onNotify) {
      const listener = new ListenerConnection(options.connectionString, channel, onNotify, onError);
      listeners.add(listener);
      await listener.start();
      return async () => {
        listeners.delete(listener);
        await listener.stop();
      };
    },
    async close() {
      await Promise.all([...listeners].map((l) => l.stop()));
      await pool.end();
    },
  };
}

/**
 * LISTEN needs a dedicated connection held open. When it drops (server restart, terminated
 * backend) it reconnects with backoff; notifications missed meanwhile are covered by polling.
 */
class ListenerConnection {
  private client: pg.Client | null = null;
  private stopped = false;
  private retryTimer: NodeJS.Timeout | null = null;

  constructor(
    private readonly connectionString: string,
    private readonly channel: string,
    private readonly onNotify: (payload: string) => void,
    private readonly onError: (err: Error) => void,
  ) {}

  async start(): Promise<void> {
    const client = new pg.Client({ connectionString: this.connectionString });
    client.on('notification', (msg) => {
      if (msg.channel === this.channel) this.onNotify(msg.payload ?? '');
    });
    client.on('error', (err) => {
      this.onError(err);
      this.reconnectSoon();
    });
    client.on('end', () => this.reconnectSoon());
    await client.connect();
    await client.query(`LISTEN ${pg.escapeIdentifier(this.channel)}`);
    this.client = client;
  }

  private reconnectSoon(): void {
    if (this.stopped || this.retryTimer) return;
    this.client = null;
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null;
      this.start().catch((err) => {
        this.onError(err as Error);
        this.reconnectSoon();
      });
    }, 1_000);
    this.retryTimer.unref();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    const client = this.client;
    this.client = null;
    await client?.end().catch(() => {});
  }
}
