import { Worker } from 'node:worker_threads';
import type { Db, Queryable, QueryResult } from '../db.ts';
import { loadDriver } from '../load-driver.ts';
import { fromThreadError, type ThreadData, type ThreadReply, type ThreadRequest } from './thread-protocol.ts';

/** A request before send() gives it its id (Omit applied to each member of the union). */
type WithoutId<T> = T extends unknown ? Omit<T, 'id'> : never;
type Request = WithoutId<ThreadRequest>;

interface Waiting {
  resolve(value: unknown): void;
  reject(error: Error): void;
}

/**
 * The embedded database on a thread of its own: the same PGlite as `openPglite`, but its statements
 * run beside the application's event loop instead of on it. A platform in one process (API and
 * worker, as `npm start` runs) then uses a second core for the database, and its HTTP server keeps
 * answering while statements run. Everything else is as `fromPGlite`: one connection, statements
 * serialised by PGlite, a transaction holding it until it ends.
 *
 * Hand-written: PGlite's own worker support (`@electric-sql/pglite/worker`) is for browsers' Web
 * Workers (tab leader election through Web Locks and BroadcastChannel), not Node's worker_threads.
 */
export async function openPgliteThread(dataDir: string | null): Promise<Db> {
  // The thread imports the driver itself; loading it here first gives the usual clear error when
  // it is not installed, instead of a failure inside the thread.
  await loadDriver('@electric-sql/pglite', 'The embedded PGlite store', () => import('@electric-sql/pglite'));
  const workerData: ThreadData = { dataDir };
  const worker = new Worker(new URL('./thread-entry.ts', import.meta.url), { workerData });
  const thread = new PgliteThread(worker);
  await thread.ready;
  return thread.db();
}

class PgliteThread {
  private nextId = 1;
  private readonly waiting = new Map<number, Waiting>();
  private readonly listeners = new Map<string, Set<(payload: string) => void>>();
  private failure: Error | null = null;
  readonly ready: Promise<void>;

  constructor(private readonly worker: Worker) {
    this.ready = new Promise<void>((resolve, reject) =>
      this.waiting.set(0, { resolve: () => resolve(), reject }),
    );
    worker.on('message', (reply: ThreadReply) => this.receive(reply));
    worker.on('error', (err) => this.fail(err));
    worker.on('exit', (code) => this.fail(new Error(`the embedded database's thread exited (code ${code})`)));
    // The thread keeps the process alive only while something waits for it (send and receive
    // ref and unref it), as a socket with a query in flight does, so it never holds an idle
    // process open.
  }

  db(): Db {
    const queryable = (tx: number | null): Queryable => ({
      query: <R>(sql: string, params?: readonly unknown[]) =>
        this.send({ op: 'query', tx, sql, params }) as Promise<QueryResult<R>>,
      exec: async (sql: string) => {
        await this.send({ op: 'exec', tx, sql });
      },
    });
    return {
      ...queryable(null),
      transaction: async <T>(fn: (tx: Queryable) => Promise<T>): Promise<T> => {
        // The transaction's id is its 'begin' request's id: the next one send() hands out.
        const tx = this.nextId;
        await this.send({ op: 'begin' });
        let value: T;
        try {
          value = await fn(queryable(tx));
        } catch (err) {
          await this.send({ op: 'end', tx, commit: false });
          throw err;
        }
        await this.send({ op: 'end', tx, commit: true });
        return value;
      },
      listen: (channel, onNotify) => this.listen(channel, onNotify),
      close: () => this.close(),
    };
  }

  private send(request: Request): Promise<unknown> {
    if (this.failure) return Promise.reject(this.failure);
    const id = this.nextId++;
    if (this.waiting.size === 0) this.worker.ref();
    return new Promise((resolve, reject) => {
      this.waiting.set(id, { resolve, reject });
      this.worker.postMessage({ ...request, id } as ThreadRequest);
    });
  }

  private receive(reply: ThreadReply) {
    if ('op' in reply) {
      for (const onNotify of this.listeners.get(reply.channel) ?? []) onNotify(reply.payload);
      return;
    }
    const waiting = this.waiting.get(reply.id);
    if (!waiting) return;
    this.waiting.delete(reply.id);
    if (this.waiting.size === 0) this.worker.unref();
    if (reply.ok) waiting.resolve(reply.value);
    else waiting.reject(fromThreadError(reply.error));
  }

  private fail(err: Error) {
    this.failure ??= err;
    for (const waiting of this.waiting.values()) waiting.reject(this.failure);
    this.waiting.clear();
  }

  /** One LISTEN per channel, whatever the number of listeners; the last one to stop sends UNLISTEN. */
  private async listen(channel: string, onNotify: (payload: string) => void) {
    let set = this.listeners.get(channel);
    if (!set) {
      set = new Set();
      this.listeners.set(channel, set);
      try {
        await this.send({ op: 'listen', channel });
      } catch (err) {
        this.listeners.delete(channel);
        throw err;
      }
    }
    // A function of its own, so the same callback can listen twice and stop once each.
    const listener = (payload: string) => onNotify(payload);
    set.add(listener);
    let stopped = false;
    return async () => {
      if (stopped) return;
      stopped = true;
      set.delete(listener);
      if (set.size > 0 || this.listeners.get(channel) !== set) return;
      this.listeners.delete(channel);
      if (!this.failure) await this.send({ op: 'unlisten', channel });
    };
  }

  private async close() {
    if (this.failure) return;
    await this.send({ op: 'close' });
    this.fail(new Error('the embedded database is closed'));
    await this.worker.terminate();
  }
}
