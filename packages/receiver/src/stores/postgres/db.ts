/** Rows and the number of rows a statement touched. */
export interface QueryResult<R> {
  rows: R[];
  rowCount: number;
}

/** What a statement needs: one parameterised query, or a multi-statement script (migrations). */
export interface Queryable {
  query<R = Record<string, unknown>>(sql: string, params?: readonly unknown[]): Promise<QueryResult<R>>;
  exec(sql: string): Promise<void>;
}

/**
 * The receiver's only view of Postgres, small enough that a team can adapt its own pool or ORM
 * connection. Two adapters ship: node-postgres (`fromPgPool`) and PGlite (`fromPGlite`).
 */
export interface Db extends Queryable {
  /** Runs `fn` in a transaction on one connection: COMMIT when it resolves, ROLLBACK when it throws. */
  transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T>;
  /** LISTEN on a channel; resolves to a function that stops listening. */
  listen(channel: string, onNotify: (payload: string) => void): Promise<() => Promise<void>>;
  /** Closes the pool or database when the adapter owns it. */
  close(): Promise<void>;
}
