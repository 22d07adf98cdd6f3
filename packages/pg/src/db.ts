/** Rows and the number of rows the statement's command tag reports (as node-postgres's rowCount). */
export interface QueryResult<R> {
  rows: R[];
  rowCount: number;
}

/** How one statement is run. */
export interface QueryOptions {
  /**
   * Prepare the statement once per connection under this name and reuse it, so a statement run
   * over and over is not parsed and planned again each time. A hint: an adapter may ignore it.
   * One name must always carry the same SQL text. (A pooler in transaction mode that does not
   * track prepared statements, such as PgBouncer before 1.21, cannot serve named statements.)
   */
  name?: string;
}

/**
 * What a statement needs: one parameterised query, or a multi-statement script without
 * parameters (migrations). A transaction is also a Queryable, so callers can pass their own.
 */
export interface Queryable {
  query<R = Record<string, unknown>>(
    sql: string,
    params?: readonly unknown[],
    options?: QueryOptions,
  ): Promise<QueryResult<R>>;
  exec(sql: string): Promise<void>;
}

/**
 * The only view of Postgres that the platform and the receiver have, small enough that a team can
 * adapt its own pool or ORM connection. Adapters: node-postgres (`fromPgPool`, `openPostgres`)
 * and PGlite (`fromPGlite`, `openPglite`).
 */
export interface Db extends Queryable {
  /** Runs `fn` in a transaction on one connection: COMMIT when it resolves, ROLLBACK when it throws. */
  transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T>;
  /**
   * LISTEN on a channel; resolves to a function that stops listening. A lost listening connection
   * is re-established by itself; notifications sent while it was down are lost, so callers keep a
   * polling fallback.
   */
  listen(channel: string, onNotify: (payload: string) => void): Promise<() => Promise<void>>;
  /** Closes the pool or database when the adapter owns it. */
  close(): Promise<void>;
}

/** The first row of a statement, or null when it returns none (a lookup by key, an update ... returning). */
export async function queryOne<R>(
  db: Queryable,
  sql: string,
  params?: readonly unknown[],
): Promise<R | null> {
  const { rows } = await db.query<R>(sql, params);
  return rows[0] ?? null;
}
