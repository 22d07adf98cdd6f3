import type { Job } from '../jobs/job.ts';
import type { ReceivedEvent, UnknownEvent } from './handlers.ts';

function str(value: unknown): string {
  return typeof value === 'string' ? value : '';
}

/** The handler's view of a job. The body was checked at intake (JSON, depth, id, type, data object) and nothing more. */
export function eventFromJob(job: Job): ReceivedEvent | UnknownEvent {
  const envelope = JSON.parse(job.body) as Record<string, unknown>;
  return {
    id: job.eventId,
    type: job.eventType,
    accountId: str(envelope.account_id),
    createdAt: str(envelope.created_at),
    schemaVersion: job.schemaVersion,
    data: (envelope.data ?? {}) as Record<string, unknown>,
    receivedAt: job.receivedAt,
    envelope,
    headers: job.headers,
  } as ReceivedEvent | UnknownEvent;
}
