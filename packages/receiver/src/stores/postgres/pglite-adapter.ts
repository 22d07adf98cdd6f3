import type { PGlite, Transaction } from '@electric-sql/pglite';
import type { Db, Queryable, QueryResult } from './db.ts';

function queryable(target: PGlite | Transaction): Queryable {
  return {
    async query<R>(sql: string, params?: readonly unknown[]): Promise<QueryResult<R>> {
      const result = await target.query<R>(sql, params as unknown[] | undefined);
      return { rows: result.rows, rowCount: result.rowCount ?? result.affectedRows ?? result.rows.length };
    },
    async exec(sql: string) {
      await target.exec(sql);
    },
  };
}

export interface PGliteAdapterOptions {
  /** Close the database in `close()`. Default true. */
  ownsDb?: boolean;
}

/**
 * Adapts an embedded PGlite database (one connection, in process). Used by the reference
 * consumer when there is no DATABASE_URL, and by tests that need no server.
 */
export function fromPGlite(pg: PGlite, options: PGliteAdapterOptions = {}): Db {
  return {
    ...queryable(pg),
    transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T> {
      return pg.transaction((tx) => fn(queryable(tx)));
    },
    async listen(channel, onNotify) {
      const stop = await pg.listen(channel, onNotify);
      return async () => {
        if (!pg.closed) await stop();
      };
    },
    async close() {
      if ((options.ownsDb ?? true) && !pg.closed) await pg.close();
    },
  };
}
