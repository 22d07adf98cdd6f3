import { request } from 'undici';
import { HOUR_MS } from '../time/hours.ts';
import { type Alerter, type DeadLetterAlert, summarize, summarizeVolume, type VolumeAlert } from './alert.ts';

export const PAGERDUTY_EVENTS_URL = 'https://events.pagerduty.com/v2/enqueue';

export interface PagerDutyAlerterOptions {
  /** The integration (routing) key of an Events API v2 integration on a PagerDuty service. */
  routingKey: string;
  /** Default the public Events API v2 endpoint; tests point it at a local server. */
  url?: string;
  severity?: 'critical' | 'error' | 'warning' | 'info';
  timeoutMs?: number;
}

export class AlertDeliveryError extends Error {
  override readonly name = 'AlertDeliveryError';
}

/**
 * Triggers (and, for volume alerts, resolves) incidents through the PagerDuty Events API v2. For a
 * dead letter the dedup_key is the event id, so a second dead-lettering of the same event (after a failed replay) updates the open incident
 * instead of paging again. Posted with undici rather than @pagerduty/pdjs, whose event() always
 * builds an https:// URL from a host name and so cannot reach a local test server.
 */
export class PagerDutyAlerter implements Alerter {
  readonly channel = 'pagerduty';
  readonly #options: PagerDutyAlerterOptions;

  constructor(options: PagerDutyAlerterOptions) {
    if (!options.routingKey) throw new TypeError('PagerDutyAlerter needs a routing key');
    this.#options = options;
  }

  async notify(alert: DeadLetterAlert): Promise<void> {
    await this.#send({
      routing_key: this.#options.routingKey,
      event_action: 'trigger',
      dedup_key: `bookflow-receiver:${alert.eventId}`,
      payload: {
        summary: summarize(alert).slice(0, 1024),
        source: alert.source,
        severity: this.#options.severity ?? 'error',
        timestamp: alert.deadAt.toISOString(),
        component: 'bookflow-receiver',
        class: alert.eventType,
        custom_details: {
          event_id: alert.eventId,
          event_type: alert.eventType,
          attempts: alert.attempts,
          last_error: alert.error.slice(0, 2000),
          received_at: alert.receivedAt.toISOString(),
        },
      },
    });
  }

  /**
   * A drop triggers an incident keyed by the event type (not the host: several receivers of one
   * application then share one incident); the recovery resolves it with the same dedup_key, which
   * is all a resolve event needs.
   */
  async notifyVolume(alert: VolumeAlert): Promise<void> {
    const dedupKey = `bookflow-receiver:volume:${alert.eventType}`;
    if (alert.status === 'resolved') {
      await this.#send({
        routing_key: this.#options.routingKey,
        event_action: 'resolve',
        dedup_key: dedupKey,
      });
      return;
    }
    await this.#send({
      routing_key: this.#options.routingKey,
      event_action: 'trigger',
      dedup_key: dedupKey,
      payload: {
        summary: summarizeVolume(alert).slice(0, 1024),
        source: alert.source,
        severity: this.#options.severity ?? 'error',
        timestamp: new Date(alert.hour.getTime() + HOUR_MS).toISOString(),
        component: 'bookflow-receiver',
        group: 'volume',
        class: alert.eventType,
        custom_details: {
          event_type: alert.eventType,
          hour: alert.hour.toISOString(),
          count: alert.count,
          baseline: alert.baseline,
        },
      },
    });
  }

  async #send(event: Record<string, unknown>): Promise<void> {
    const timeout = this.#options.timeoutMs ?? 5000;
    const response = await request(this.#options.url ?? PAGERDUTY_EVENTS_URL, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      headersTimeout: timeout,
      bodyTimeout: timeout,
      body: JSON.stringify(event),
    });
    const text = await response.body.text();
    // The Events API answers 202 Accepted; anything else means the incident was not created.
    if (response.statusCode !== 202) {
      throw new AlertDeliveryError(`PagerDuty answered ${response.statusCode}: ${text.slice(0, 200)}`);
    }
  }
}
