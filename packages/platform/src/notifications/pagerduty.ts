import { request } from 'undici';
import { describeLastError, hostOf, truncate } from './text-limits.ts';
import type { DeadLetterNotice, EndpointDisabledNotice } from './types.ts';

/**
 * PagerDuty Events API v2 alert events, hand-written on undici rather than sent with
 * `@pagerduty/pdjs`: its `event()` builds the URL as `https://${server}/v2/enqueue`, so it cannot
 * reach a plain-HTTP test server or a proxy path; its `requestTimeout` only starts a timer that
 * aborts nothing; and on a 429 it sleeps 20 s and retries inside the call (via cross-fetch).
 *
 * Field rules (developer.pagerduty.com, "Send an Alert Event"): summary at most 1024 characters,
 * dedup_key at most 255, severity one of critical/error/warning/info, whole event at most 512 KB.
 */

const SUMMARY_MAX = 1_024;
const DEDUP_KEY_MAX = 255;
/** Keeps custom_details far below the 512 KB event limit whatever the last error carried. */
const DETAIL_MAX = 4_000;

export interface PagerDutyEvent {
  routing_key: string;
  event_action: 'trigger';
  dedup_key: string;
  payload: {
    summary: string;
    source: string;
    severity: 'critical' | 'error' | 'warning' | 'info';
    timestamp: string;
    component: string;
    group: string;
    class: string;
    custom_details: Record<string, unknown>;
  };
  client?: string;
  client_url?: string;
  links?: { href: string; text: string }[];
}

function dashboard(
  dashboardUrl: string | undefined,
): Pick<PagerDutyEvent, 'client' | 'client_url' | 'links'> {
  if (!dashboardUrl) return {};
  return {
    client: 'BookFlow Webhooks',
    client_url: dashboardUrl,
    links: [{ href: dashboardUrl, text: 'BookFlow dashboard' }],
  };
}

interface EndpointAlert {
  dedupKey: string;
  summary: string;
  class: string;
  at: Date;
  notice: { accountId: string; endpointId: string; endpointUrl: string };
  /** Added to custom_details after the account, endpoint and URL. */
  details: Record<string, unknown>;
}

/** What every alert of ours has: one endpoint of one account, severity error, the dashboard links. */
function endpointAlert(routingKey: string, alert: EndpointAlert, dashboardUrl?: string): PagerDutyEvent {
  const { notice } = alert;
  return {
    routing_key: routingKey,
    event_action: 'trigger',
    dedup_key: truncate(alert.dedupKey, DEDUP_KEY_MAX),
    payload: {
      summary: truncate(alert.summary, SUMMARY_MAX),
      source: hostOf(notice.endpointUrl),
      severity: 'error',
      timestamp: alert.at.toISOString(),
      component: `endpoint:${notice.endpointId}`,
      group: `account:${notice.accountId}`,
      class: alert.class,
      custom_details: {
        account_id: notice.accountId,
        endpoint_id: notice.endpointId,
        endpoint_url: truncate(notice.endpointUrl, DETAIL_MAX),
        ...alert.details,
      },
    },
    ...dashboard(dashboardUrl),
  };
}

export function deadLetterEvent(
  routingKey: string,
  notice: DeadLetterNotice,
  dashboardUrl?: string,
): PagerDutyEvent {
  const lastError = describeLastError(notice.lastStatusCode, notice.lastError);
  const alert: EndpointAlert = {
    // One alert per delivery: a repeated notice (say, after a worker restart) updates it, never duplicates it.
    dedupKey: `bookflow-dead-letter-${notice.deliveryId}`,
    summary: `BookFlow webhook dead-lettered: ${notice.eventType} to ${notice.endpointUrl} after ${notice.attempts} attempts (${lastError})`,
    class: 'webhook_dead_letter',
    at: notice.deadLetteredAt,
    notice,
    details: {
      delivery_id: notice.deliveryId,
      event_id: notice.eventId,
      event_type: notice.eventType,
      attempts: notice.attempts,
      last_status_code: notice.lastStatusCode,
      last_error: notice.lastError === null ? null : truncate(notice.lastError, DETAIL_MAX),
      dead_lettered_at: notice.deadLetteredAt.toISOString(),
      replay: `POST /v1/deliveries/${notice.deliveryId}/replay`,
    },
  };
  return endpointAlert(routingKey, alert, dashboardUrl);
}

export function endpointDisabledEvent(
  routingKey: string,
  notice: EndpointDisabledNotice,
  dashboardUrl?: string,
): PagerDutyEvent {
  const alert: EndpointAlert = {
    dedupKey: `bookflow-endpoint-disabled-${notice.endpointId}`,
    summary: `BookFlow webhook endpoint disabled: ${notice.endpointUrl} (${notice.reason})`,
    class: 'webhook_endpoint_disabled',
    at: notice.disabledAt,
    notice,
    details: {
      reason: truncate(notice.reason, DETAIL_MAX),
      last_status_code: notice.lastStatusCode,
      held_deliveries: notice.heldDeliveries,
      disabled_at: notice.disabledAt.toISOString(),
      re_enable: `PATCH /v1/endpoints/${notice.endpointId}`,
    },
  };
  return endpointAlert(routingKey, alert, dashboardUrl);
}

/** Posts one event; resolves on 2xx (PagerDuty answers 202), throws with a short reason otherwise. */
export async function postToPagerDuty(
  eventsUrl: string,
  event: PagerDutyEvent,
  timeoutMs: number,
): Promise<void> {
  const { statusCode, body } = await request(eventsUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'user-agent': 'BookFlow-Webhooks/0.1' },
    body: JSON.stringify(event),
    signal: AbortSignal.timeout(timeoutMs),
  });
  // Always read the body: undici keeps the connection busy until it is consumed.
  const text = await body.text();
  if (statusCode >= 200 && statusCode < 300) return;
  throw new Error(`PagerDuty answered HTTP ${statusCode}${reasonFrom(text)}`);
}

/** PagerDuty error bodies look like {"status":"invalid event","message":"...","errors":["..."]}. */
function reasonFrom(text: string): string {
  try {
    const parsed = JSON.parse(text) as { message?: unknown; errors?: unknown };
    const parts = [parsed.message, ...(Array.isArray(parsed.errors) ? parsed.errors : [])].filter(
      (p): p is string => typeof p === 'string',
    );
    return parts.length > 0 ? `: ${truncate(parts.join('; '), 300)}` : '';
  } catch {
    return '';
  }
}

/** "Send a test notice": an info-severity event, its own dedup key so it never merges with a real alert. */
export function testNoticeEvent(
  routingKey: string,
  accountId: string,
  dashboardUrl?: string,
): PagerDutyEvent {
  const now = new Date();
  return {
    routing_key: routingKey,
    event_action: 'trigger',
    dedup_key: truncate(`bookflow:test:${accountId}:${now.getTime()}`, DEDUP_KEY_MAX),
    payload: {
      summary: truncate(`BookFlow Webhooks test notice for account ${accountId}`, SUMMARY_MAX),
      source: 'bookflow-webhooks',
      severity: 'info',
      timestamp: now.toISOString(),
      component: 'notifications',
      group: `account:${accountId}`,
      class: 'webhook_test_notice',
      custom_details: { account_id: accountId, note: 'sent from the dashboard; resolve it at will' },
    },
    ...dashboard(dashboardUrl),
  };
}
