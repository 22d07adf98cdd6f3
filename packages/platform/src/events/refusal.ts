import { isRowRefusal } from '../db/refusal.ts';
import type { PublishResult } from './publish.ts';

/**
 * The answer for a publish the database failed: `event_refused` when the row itself was at fault
 * (db/refusal.ts), since the same request cannot succeed later; null for anything else (a lost
 * connection, a shutdown), which stays an error of the service.
 */
export function refusalOf(err: unknown): PublishResult | null {
  if (!isRowRefusal(err)) return null;
  const { code, message } = err as { code: string; message?: unknown };
  return { ok: false, reason: 'event_refused', sqlstate: code, message: String(message) };
}
