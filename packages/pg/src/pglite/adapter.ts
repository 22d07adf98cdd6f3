import type { PGlite, Transaction } from '@electric-sql/pglite';
import type { Db, Queryable, QueryResult } from '../db.ts';
import { quoteIdentifier } from '../identifier.ts';
import { loadDriver } from '../load-driver.ts';
import { createPgliteDatabase, runPgliteQuery } from './run.ts';

/**
 * PGlite runs each statement on this thread, and its promises resolve as microtasks: callers that
 * chain statements (a worker claiming and recording, publishes committing one batch after another)
 * would run statement after statement without the event loop ever reaching its I/O phase, so an
 * overloaded embedded platform stopped accepting connections at all. One macrotask turn before
 * each statement lets sockets be accepted and answered between any two statements; it costs
 * microseconds against a statement's hundreds.
 */
const yieldToEventLoop = () => new Promise<void>((resolve) => setImmediate(resolve));

function queryable(target: PGlite | Transaction): Queryable {
  return {
    async query<R>(sql: string, params?: readonly unknown[]): Promise<QueryResult<R>> {
      await yieldToEventLoop();
      return runPgliteQuery<R>(target, sql, params);
    },
    async exec(sql: string) {
      await yieldToEventLoop();
      await target.exec(sql);
    },
  };
}

export interface PGliteAdapterOptions {
  /** Close the database in `close()`. Default true. */
  ownsDb?: boolean;
}

const listening = new WeakMap<PGlite, Map<string, number>>();

/** Listeners per channel on one PGlite database, whichever adapters wrap it. */
function listenCounts(pg: PGlite): Map<string, number> {
  const counts = listening.get(pg) ?? new Map<string, number>();
  listening.set(pg, counts);
  return counts;
}

/**
 * Adapts an embedded PGlite database: the same SQL as PostgreSQL, in process, one connection
 * (PGlite serialises statements). LISTEN cannot lose its connection here.
 */
export function fromPGlite(pg: PGlite, options: PGliteAdapterOptions = {}): Db {
  return {
    ...queryable(pg),
    transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T> {
      return pg.transaction((tx) => fn(queryable(tx)));
    },
    async listen(channel, onNotify) {
      // PGlite's own listen() takes the channel as SQL text and cannot stop listening on a quoted
      // name, so LISTEN is issued here, quoted as node-postgres's adapter does, and counted per
      // channel: the last listener of a channel to stop sends the UNLISTEN.
      const counts = listenCounts(pg);
      const off = pg.onNotification((name, payload) => {
        if (name === channel) onNotify(payload);
      });
      counts.set(channel, (counts.get(channel) ?? 0) + 1);
      let stopped = false;
      const stop = async () => {
        if (stopped) return;
        stopped = true;
        off();
        const left = (counts.get(channel) ?? 1) - 1;
        if (left > 0) return void counts.set(channel, left);
        counts.delete(channel);
        if (!pg.closed) await pg.exec(`UNLISTEN ${quoteIdentifier(channel)}`);
      };
      try {
        await pg.exec(`LISTEN ${quoteIdentifier(channel)}`);
      } catch (error) {
        await stop().catch(() => undefined);
        throw error;
      }
      return stop;
    },
    async close() {
      if ((options.ownsDb ?? true) && !pg.closed) await pg.close();
    },
  };
}

/**
 * Opens an embedded database persisted under dataDir, or in memory when dataDir is null.
 * `@electric-sql/pglite` is loaded here, so code that never opens one does not need it installed.
 */
export async function openPglite(dataDir: string | null): Promise<Db> {
  const { PGlite } = await loadDriver(
    '@electric-sql/pglite',
    'The embedded PGlite store',
    () => import('@electric-sql/pglite'),
  );
  return fromPGlite(await createPgliteDatabase(PGlite, dataDir));
}
