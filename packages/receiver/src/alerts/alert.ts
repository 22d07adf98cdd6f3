/** What a human needs to act on a dead-lettered event. Carries no payload data: alerts leave the system. */
export interface DeadLetterAlert {
  eventId: string;
  eventType: string;
  attempts: number;
  error: string;
  receivedAt: Date;
  deadAt: Date;
  /** Where this receiver runs, e.g. a hostname or service name. */
  source: string;
}

/** A channel that tells someone an event reached the dead letter. */
export interface Alerter {
  /** Used in logs and the alerts_total metric label. */
  readonly channel: string;
  notify(alert: DeadLetterAlert): Promise<void>;
}

export function summarize(alert: DeadLetterAlert): string {
  return `BookFlow ${alert.eventType} event ${alert.eventId} dead-lettered after ${alert.attempts} attempt(s): ${alert.error}`;
}
