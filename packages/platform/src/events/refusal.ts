import { ApiError } from '../errors/catalogue.ts';

/**
 * SQLSTATE classes that mean "this row" rather than "the database": data exceptions (22, such as
 * an invalid byte sequence), integrity constraint violations (23, such as an account deleted while
 * its event was being published) and program limits (54, such as an index key over its size).
 * Retrying the same request cannot succeed, so it is the caller's 4xx; anything else (a lost
 * connection, a shutdown) stays an error of the service.
 */
const ROW_CLASSES = new Set(['22', '23', '54']);

/** The problem to answer for a publish the database failed: `event_refused` when the row was at fault. */
export function refusalOf(err: unknown): unknown {
  if (err instanceof ApiError) return err;
  const { code, message } = (err ?? {}) as { code?: unknown; message?: unknown };
  if (typeof code !== 'string' || !/^[0-9A-Z]{5}$/.test(code) || !ROW_CLASSES.has(code.slice(0, 2))) {
    return err;
  }
  return new ApiError(
    'event_refused',
    `the database refused this event (SQLSTATE ${code}: ${String(message).slice(0, 300)}); the same request will be refused again`,
  );
}
