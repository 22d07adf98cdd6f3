import type { DeadLetter, Job } from '../../../jobs/job.ts';

/** A bookflow_receiver_jobs row as the queries below select it. */
export interface JobRow {
  event_id: string;
  event_type: string;
  schema_version: string;
  body: string;
  headers: Record<string, string>;
  received_at: Date;
  attempts: number;
  last_error: string | null;
  dead_at: Date | null;
  traceparent: string | null;
}

export const JOB_COLUMNS =
  'event_id, event_type, schema_version, body, headers, received_at, attempts, last_error, dead_at, traceparent';

export function toJob(row: JobRow): Job {
  return {
    eventId: row.event_id,
    eventType: row.event_type,
    schemaVersion: row.schema_version,
    body: row.body,
    headers: row.headers,
    receivedAt: new Date(row.received_at),
    attempts: row.attempts,
    lastError: row.last_error,
    ...(row.traceparent ? { traceparent: row.traceparent } : {}),
  };
}

export function toDeadLetter(row: JobRow): DeadLetter {
  return { ...toJob(row), deadAt: new Date(row.dead_at ?? row.received_at) };
}
