import type { Alerter, DeadLetterAlert } from '../alerts/alert.ts';
import type { Job } from '../jobs/job.ts';
import { errorFields, type ReceiverLogger } from '../logging/logger.ts';
import type { ReceiverMetrics } from '../metrics/metrics.ts';
import type { ReceiverStore } from '../stores/store.ts';

export interface DeadLetterDeps {
  store: ReceiverStore;
  alerts: readonly Alerter[];
  metrics: ReceiverMetrics;
  clock: () => Date;
  /** Names this receiver in alerts. */
  source: string;
}

/**
 * Moves a job this worker holds to the dead letter and tells every alerter. Nothing is counted or
 * sent when the move fails because another worker now holds the job (the fence on `workerId`).
 */
export async function sendToDeadLetter(
  deps: DeadLetterDeps,
  workerId: string,
  job: Job,
  message: string,
  log: ReceiverLogger,
  error?: unknown,
): Promise<void> {
  const { store, metrics, alerts, clock, source } = deps;
  const deadAt = clock();
  const moved = await store.deadLetter(job.eventId, workerId, deadAt, message);
  if (!moved) return;
  metrics.processed.inc({ type: job.eventType, outcome: 'dead_letter' });
  log.error({ err: error ? errorFields(error) : { message } }, 'event dead-lettered');
  const alert: DeadLetterAlert = {
    eventId: job.eventId,
    eventType: job.eventType,
    attempts: job.attempts,
    error: message,
    receivedAt: job.receivedAt,
    deadAt,
    source,
  };
  // Every channel is tried; one failing (Slack down) must not keep the page from PagerDuty.
  await Promise.all(
    alerts.map(async (alerter) => {
      try {
        await alerter.notify(alert);
        metrics.alerts.inc({ channel: alerter.channel, outcome: 'sent' });
      } catch (alertError) {
        metrics.alerts.inc({ channel: alerter.channel, outcome: 'failed' });
        log.error({ channel: alerter.channel, err: errorFields(alertError) }, 'dead-letter alert failed');
      }
    }),
  );
}
