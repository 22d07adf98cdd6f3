// The messages between a PGlite database on its own thread (thread-entry.ts) and the Db that
// stands for it on the caller's thread (thread.ts). Everything crosses by structured clone: SQL and
// parameters one way (Date, Uint8Array and plain objects survive), rows and errors the other.

/** What the caller's thread asks. `id` pairs each request with its one reply. */
export type ThreadRequest =
  | { id: number; op: 'query'; tx: number | null; sql: string; params: readonly unknown[] | undefined }
  | { id: number; op: 'exec'; tx: number | null; sql: string }
  /** Opens a transaction; its id is this request's id. */
  | { id: number; op: 'begin' }
  /** Commits (or rolls back) transaction `tx`; answered once PGlite has ended it. */
  | { id: number; op: 'end'; tx: number; commit: boolean }
  | { id: number; op: 'listen' | 'unlisten'; channel: string }
  | { id: number; op: 'close' };

/** A database error's own fields (code, detail, constraint, …) beside its message. */
export interface ThreadError {
  name: string;
  message: string;
  fields: Record<string, unknown>;
}

export type ThreadReply =
  | { id: number; ok: true; value?: unknown }
  | { id: number; ok: false; error: ThreadError }
  | { op: 'notify'; channel: string; payload: string };

/** The data the thread starts with: where the database lives (null: in memory). */
export interface ThreadData {
  dataDir: string | null;
}

export function toThreadError(err: unknown): ThreadError {
  if (!(err instanceof Error)) return { name: 'Error', message: String(err), fields: {} };
  const fields: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(err)) {
    // Only what structured clone can carry: PGlite's errors hold strings and numbers.
    if (value === undefined || ['string', 'number', 'boolean'].includes(typeof value)) fields[key] = value;
  }
  return { name: err.name, message: err.message, fields };
}

/** The error as the caller sees it: an Error with the same message and fields (`code` included). */
export function fromThreadError(error: ThreadError): Error {
  const err = new Error(error.message);
  Object.assign(err, error.fields);
  err.name = error.name;
  return err;
}
