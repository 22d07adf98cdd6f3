// The deliveries every baseline sends: the same ~1.2 KB meeting.booked envelopes the platform
// builds, one job per (event, endpoint), signed with @bookflow/events exactly as the platform signs.
import { deliveryHeaders, SCHEMA_VERSION, sampleEnvelope, secretKey } from '@bookflow/events';

export interface DeliveryJob {
  url: string;
  id: string;
  type: string;
  body: string;
}

/** `events` envelopes, each fanned out to every url (event-major, as the platform's fan-out). */
export function deliveryJobs(events: number, urls: readonly string[]): DeliveryJob[] {
  const jobs: DeliveryJob[] = [];
  for (let i = 0; i < events; i++) {
    const envelope = sampleEnvelope('meeting.booked', { seed: i });
    const body = JSON.stringify(envelope);
    for (const url of urls) jobs.push({ url, id: envelope.id, type: envelope.type, body });
  }
  return jobs;
}

/** Signs like the platform does: the key decoded once, every header of the wire contract. */
export function signer(secret: string) {
  const key = secretKey(secret);
  return (job: DeliveryJob, attempt: number): Record<string, string> =>
    deliveryHeaders({
      eventId: job.id,
      eventType: job.type,
      schemaVersion: SCHEMA_VERSION,
      attempt,
      deliveredAt: new Date(),
      body: job.body,
      secrets: [key],
    });
}
