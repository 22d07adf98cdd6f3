import type { EndedDelivery } from '../delivery/queue/delivery-ended.ts';

/** Where an account wants to hear about failures; both are optional and independent. */
export interface NotificationChannels {
  /** A Slack incoming-webhook URL. Its path is a secret: it never appears in logs or outcomes. */
  slackWebhookUrl?: string | null;
  /** A PagerDuty Events API v2 integration (routing) key. Also a secret. */
  pagerdutyRoutingKey?: string | null;
}

/**
 * A delivery that used up its retries and moved to the dead letter queue: the delivery and its
 * last attempt as the queue reported them.
 */
export interface DeadLetterNotice extends Omit<EndedDelivery, 'at'> {
  deadLetteredAt: Date;
}

/** An endpoint the platform disabled on its own (410 Gone, or a failure threshold); its deliveries are held. */
export interface EndpointDisabledNotice {
  accountId: string;
  endpointId: string;
  endpointUrl: string;
  /** Human-readable, e.g. "the endpoint answered 410 Gone". */
  reason: string;
  lastStatusCode: number | null;
  /** Deliveries waiting for the endpoint to be re-enabled, when known. */
  heldDeliveries: number | null;
  disabledAt: Date;
}

export type NotificationChannel = 'slack' | 'pagerduty';

export interface NotificationOutcome {
  channel: NotificationChannel;
  ok: boolean;
  /** Why the channel failed, free of secrets; null when ok. */
  error: string | null;
}
