import { isRowRefusal } from '../db/refusal.ts';
import { ApiError } from '../errors/catalogue.ts';

/**
 * The problem to answer for a publish the database failed: `event_refused` when the row itself was
 * at fault (db/refusal.ts), since the same request cannot succeed later; anything else (a lost
 * connection, a shutdown) stays an error of the service.
 */
export function refusalOf(err: unknown): unknown {
  if (err instanceof ApiError || !isRowRefusal(err)) return err;
  const { code, message } = err as { code: string; message?: unknown };
  return new ApiError(
    'event_refused',
    `the database refused this event (SQLSTATE ${code}: ${String(message).slice(0, 300)}); the same request will be refused again`,
  );
}
