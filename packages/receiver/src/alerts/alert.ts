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

/**
 * An event type's volume in the last full hour fell far below the same hour of previous weeks
 * (`triggered`), or came back (`resolved`, sent once for each triggered one).
 */
export interface VolumeAlert {
  status: 'triggered' | 'resolved';
  eventType: string;
  /** The start of the hour judged (UTC). */
  hour: Date;
  /** Accepted events of the type in that hour. */
  count: number;
  /** What was expected: the median of that hour in the previous weeks. */
  baseline: number;
  source: string;
}

/** A channel that tells someone an event reached the dead letter, or that volume dropped. */
export interface Alerter {
  /** Used in logs and the alerts_total metric label. */
  readonly channel: string;
  notify(alert: DeadLetterAlert): Promise<void>;
  /** Volume alerts; an alerter without this method is not told about them. */
  notifyVolume?(alert: VolumeAlert): Promise<void>;
}

export function summarize(alert: DeadLetterAlert): string {
  return `BookFlow ${alert.eventType} event ${alert.eventId} dead-lettered after ${alert.attempts} attempt(s): ${alert.error}`;
}

export function summarizeVolume(alert: VolumeAlert): string {
  const numbers = `${alert.count} in the hour from ${alert.hour.toISOString()}, against ${formatCount(alert.baseline)} usually`;
  return alert.status === 'triggered'
    ? `BookFlow ${alert.eventType} volume dropped: ${numbers} (upstream problem?)`
    : `BookFlow ${alert.eventType} volume recovered: ${numbers}`;
}

function formatCount(n: number): string {
  return Number.isInteger(n) ? String(n) : n.toFixed(1);
}
