import type { Queryable } from '@bookflow/pg';
import { HOUR_MS } from '../../../time/hours.ts';

/**
 * In batches, so one sweep after a long pause does not hold locks on a week of rows at once. A
 * dedupe row whose job still exists (queued, running or dead) is kept: deleting it would let a late
 * retry from the sender enqueue the event a second time.
 */
const DEDUPE_SQL = `
DELETE FROM bookflow_receiver_dedupe
WHERE event_id IN (
  SELECT d.event_id FROM bookflow_receiver_dedupe d
  WHERE d.expires_at <= $1
    AND NOT EXISTS (SELECT 1 FROM bookflow_receiver_jobs j WHERE j.event_id = d.event_id)
  LIMIT $2
)
RETURNING event_id`;

/** Ledger rows go with their dedupe row: once neither a job nor a dedupe row exists, nothing can replay the event. */
const LEDGER_SQL = `
DELETE FROM bookflow_receiver_ledger
WHERE (event_id, step_key) IN (
  SELECT l.event_id, l.step_key FROM bookflow_receiver_ledger l
  WHERE l.completed_at <= $1
    AND NOT EXISTS (SELECT 1 FROM bookflow_receiver_jobs j WHERE j.event_id = l.event_id)
    AND NOT EXISTS (SELECT 1 FROM bookflow_receiver_dedupe d WHERE d.event_id = l.event_id)
  LIMIT $2
)
RETURNING event_id`;

/** Hours that ended before the volume retention: a few rows per type and hour, so one statement. */
const VOLUME_SQL = 'DELETE FROM bookflow_receiver_volume WHERE hour <= $1';

export async function sweepExpired(
  db: Queryable,
  now: Date,
  batchSize: number,
  volumeRetentionMs: number,
): Promise<number> {
  await db.query(VOLUME_SQL, [new Date(now.getTime() - volumeRetentionMs - HOUR_MS)]);
  let total = 0;
  for (;;) {
    const { rows } = await db.query(DEDUPE_SQL, [now, batchSize]);
    total += rows.length;
    if (rows.length < batchSize) break;
  }
  for (;;) {
    const { rows } = await db.query(LEDGER_SQL, [now, batchSize]);
    if (rows.length < batchSize) break;
  }
  return total;
}
