import { type Logger, pino } from 'pino';
import { DEFAULT_PAGERDUTY_EVENTS_URL } from '../config/env-values.ts';
import {
  deadLetterEvent,
  endpointDisabledEvent,
  type PagerDutyEvent,
  postToPagerDuty,
  testNoticeEvent,
} from './pagerduty.ts';
import {
  deadLetterMessage,
  endpointDisabledMessage,
  postToSlack,
  type SlackMessage,
  testNoticeMessage,
} from './slack.ts';
import { redact, truncate } from './text-limits.ts';
import type {
  DeadLetterNotice,
  EndpointDisabledNotice,
  NotificationChannel,
  NotificationChannels,
  NotificationOutcome,
} from './types.ts';

export const DEFAULT_NOTIFICATION_TIMEOUT_MS = 10_000;

export interface NotifierOptions {
  /** Defaults to PagerDuty's public endpoint; tests point it at a local server. */
  pagerdutyEventsUrl?: string;
  /** Linked from messages so the reader can find and replay the delivery. */
  dashboardUrl?: string;
  logger?: Logger;
  /** Per-channel budget, so a hanging Slack cannot hold up the worker that dead-lettered. */
  timeoutMs?: number;
}

export interface Notifier {
  deadLetter(channels: NotificationChannels, notice: DeadLetterNotice): Promise<NotificationOutcome[]>;
  endpointDisabled(
    channels: NotificationChannels,
    notice: EndpointDisabledNotice,
  ): Promise<NotificationOutcome[]>;
  /** A test notice to one configured channel ("send a test notice" in the dashboard). */
  test(
    channels: NotificationChannels,
    accountId: string,
    channel: NotificationChannel,
  ): Promise<NotificationOutcome>;
}

interface Message {
  slack: (dashboardUrl?: string) => SlackMessage;
  pagerduty: (routingKey: string, dashboardUrl?: string) => PagerDutyEvent;
  /** Ids only: enough to find the delivery in the logs, nothing secret. */
  logContext: Record<string, string>;
}

/** Treats unset, null and blank alike, so an emptied settings field means "off". */
function configured(value: string | null | undefined): string | null {
  return value && value.trim() !== '' ? value.trim() : null;
}

export function createNotifier(options: NotifierOptions = {}): Notifier {
  const eventsUrl = options.pagerdutyEventsUrl ?? DEFAULT_PAGERDUTY_EVENTS_URL;
  const timeoutMs = options.timeoutMs ?? DEFAULT_NOTIFICATION_TIMEOUT_MS;
  const logger = options.logger ?? pino({ enabled: false });
  const { dashboardUrl } = options;
  // Accounts already warned that nobody hears about their dead letters: once per process is
  // enough to be seen in the logs without repeating it for every delivery of a failing endpoint.
  const warnedUnconfigured = new Set<string>();

  function warnNobodyNotified(kind: string, accountId: string): void {
    if (warnedUnconfigured.has(accountId)) return;
    warnedUnconfigured.add(accountId);
    logger.warn(
      { account_id: accountId, notification: kind, missing: ['slack_webhook_url', 'pagerduty_routing_key'] },
      'nobody was notified: the account has neither slack_webhook_url nor pagerduty_routing_key set ' +
        '(PATCH /v1/account); this is logged once per account per process',
    );
  }

  async function attempt(
    channel: NotificationChannel,
    secret: string,
    kind: string,
    context: Record<string, string>,
    post: () => Promise<void>,
  ): Promise<NotificationOutcome> {
    try {
      await post();
      logger.info({ ...context, channel, notification: kind }, 'account notified');
      return { channel, ok: true, error: null };
    } catch (error) {
      // Library errors can quote the URL or the request; strip the channel's secret before
      // the message reaches a log line or the caller.
      const message = truncate(redact(errorMessage(error), [secret]), 500);
      logger.warn({ ...context, channel, notification: kind, error: message }, 'account notification failed');
      return { channel, ok: false, error: message };
    }
  }

  async function notify(kind: string, channels: NotificationChannels, message: Message) {
    const jobs: Promise<NotificationOutcome>[] = [];
    const slackUrl = configured(channels.slackWebhookUrl);
    if (slackUrl) {
      jobs.push(
        attempt('slack', slackUrl, kind, message.logContext, () =>
          postToSlack(slackUrl, message.slack(dashboardUrl), timeoutMs),
        ),
      );
    }
    const routingKey = configured(channels.pagerdutyRoutingKey);
    if (routingKey) {
      jobs.push(
        attempt('pagerduty', routingKey, kind, message.logContext, () =>
          postToPagerDuty(eventsUrl, message.pagerduty(routingKey, dashboardUrl), timeoutMs),
        ),
      );
    }
    if (jobs.length === 0 && message.logContext.account_id)
      warnNobodyNotified(kind, message.logContext.account_id);
    // Channels are independent: one failing or slow never stops the other.
    return Promise.all(jobs);
  }

  async function test(
    channels: NotificationChannels,
    accountId: string,
    channel: NotificationChannel,
  ): Promise<NotificationOutcome> {
    const context = { account_id: accountId };
    if (channel === 'slack') {
      const url = configured(channels.slackWebhookUrl);
      if (!url) return { channel, ok: false, error: 'no Slack webhook URL is set' };
      return attempt('slack', url, 'test', context, () =>
        postToSlack(url, testNoticeMessage(accountId, dashboardUrl), timeoutMs),
      );
    }
    const key = configured(channels.pagerdutyRoutingKey);
    if (!key) return { channel, ok: false, error: 'no PagerDuty routing key is set' };
    return attempt('pagerduty', key, 'test', context, () =>
      postToPagerDuty(eventsUrl, testNoticeEvent(key, accountId, dashboardUrl), timeoutMs),
    );
  }

  return {
    test,
    deadLetter: (channels, notice) =>
      notify('dead_letter', channels, {
        slack: (url) => deadLetterMessage(notice, url),
        pagerduty: (key, url) => deadLetterEvent(key, notice, url),
        logContext: {
          account_id: notice.accountId,
          endpoint_id: notice.endpointId,
          delivery_id: notice.deliveryId,
          event_id: notice.eventId,
        },
      }),
    endpointDisabled: (channels, notice) =>
      notify('endpoint_disabled', channels, {
        slack: (url) => endpointDisabledMessage(notice, url),
        pagerduty: (key, url) => endpointDisabledEvent(key, notice, url),
        logContext: { account_id: notice.accountId, endpoint_id: notice.endpointId },
      }),
  };
}

/**
 * The message and its causes, each once: fetch says only "fetch failed" and keeps ECONNREFUSED in
 * `cause`; Slack's HTTP error keeps the useful part (e.g. "invalid_token") in `body`.
 */
function errorMessage(error: unknown): string {
  const parts: string[] = [];
  let current: unknown = error;
  for (let depth = 0; depth < 4 && current !== undefined && current !== null; depth += 1) {
    const text = current instanceof Error ? current.message : String(current);
    if (text && !parts.some((p) => p.includes(text))) parts.push(text);
    const body = (current as { body?: unknown }).body;
    if (typeof body === 'string' && body.trim() !== '') parts.push(truncate(body.trim(), 200));
    current = current instanceof Error ? current.cause : undefined;
  }
  return parts.join(': ') || 'unknown error';
}
