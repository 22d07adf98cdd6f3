import type { Queryable } from '@bookflow/pg';
import type { AcceptOutcome, IncomingJob } from '../../../jobs/job.ts';

/**
 * Dedupe row and job row in one statement, hence one transaction and one round trip: the job is
 * inserted only from the row the dedupe insert returned. Of two concurrent deliveries of one id,
 * the second blocks on the first's primary-key entry, then finds the conflict and inserts nothing.
 *
 * A dedupe row that has expired but not been swept yet is taken over (the DO UPDATE ... WHERE), so
 * expiry does not depend on the sweeper's timing. One statement rather than BEGIN, two INSERTs and
 * COMMIT: the acknowledgement waits on one round trip instead of four.
 */
const SQL = `
WITH seen AS (
  INSERT INTO bookflow_receiver_dedupe (event_id, received_at, expires_at)
  VALUES ($1, $6, $6::timestamptz + make_interval(secs => $7::double precision / 1000))
  ON CONFLICT (event_id) DO UPDATE
    SET received_at = EXCLUDED.received_at, expires_at = EXCLUDED.expires_at
    WHERE bookflow_receiver_dedupe.expires_at <= EXCLUDED.received_at
  RETURNING event_id
)
INSERT INTO bookflow_receiver_jobs (event_id, event_type, schema_version, body, headers, received_at, run_at)
SELECT event_id, $2, $3, $4, $5::jsonb, $6, $6 FROM seen
ON CONFLICT (event_id) DO NOTHING
RETURNING event_id`;

export async function acceptJob(db: Queryable, job: IncomingJob, ttlMs: number): Promise<AcceptOutcome> {
  const { rows } = await db.query(SQL, [
    job.eventId,
    job.eventType,
    job.schemaVersion,
    job.body,
    JSON.stringify(job.headers),
    job.receivedAt,
    ttlMs,
  ]);
  return rows.length === 1 ? 'enqueued' : 'duplicate';
}
