/** A row set as both pg and PGlite return it. */
export interface QueryResult<T> {
  rows: T[];
  rowCount: number;
}

/**
 * The one thing most code needs: run a parameterised statement. A transaction is also a
 * Queryable, so callers can pass their own (the pg-boss `executeSql` idea).
 */
export interface Queryable {
  query<T = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<QueryResult<T>>;
}

export interface Db extends Queryable {
  readonly kind: 'postgres' | 'pglite';
  /** Runs fn inside BEGIN/COMMIT; any throw rolls back. */
  transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T>;
  /** Subscribes to NOTIFY on a channel; returns the unsubscribe function. */
  listen(channel: string, onNotify: (payload: string) => void): Promise<() => Promise<void>>;
  close(): Promise<void>;
}
