import { IncomingWebhook, type IncomingWebhookSendArguments } from '@slack/webhook';
import { describeLastError, truncate } from './text-limits.ts';
import type { DeadLetterNotice, EndpointDisabledNotice } from './types.ts';

/**
 * Slack messages for account notifications, as Block Kit with a plain `text` fallback (shown in
 * push notifications and by clients without blocks). Limits from Slack's Block Kit reference:
 * header text 150 characters, section text 3000, each field 2000, at most 10 fields.
 */

export type SlackMessage = IncomingWebhookSendArguments;

/** Slack mrkdwn treats &, < and > as control characters; anything we did not write is escaped. */
function esc(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

function field(label: string, value: string) {
  return { type: 'mrkdwn' as const, text: truncate(`*${label}*\n${esc(value)}`, 2_000) };
}

function dashboardLine(dashboardUrl: string | undefined): string {
  return dashboardUrl ? ` or from the <${esc(dashboardUrl)}|BookFlow dashboard>` : '';
}

export function deadLetterMessage(notice: DeadLetterNotice, dashboardUrl?: string): SlackMessage {
  const lastError = describeLastError(notice.lastStatusCode, notice.lastError);
  const headline = `Webhook delivery dead-lettered: ${notice.eventType} to ${notice.endpointUrl} after ${notice.attempts} attempts`;
  return {
    text: truncate(`${headline} (last error: ${lastError})`, 3_000),
    blocks: [
      { type: 'header', text: { type: 'plain_text', text: 'Webhook delivery dead-lettered' } },
      {
        type: 'section',
        text: {
          type: 'mrkdwn',
          text: truncate(
            `A *${esc(notice.eventType)}* event could not be delivered to \`${esc(notice.endpointUrl)}\` ` +
              `after ${notice.attempts} attempts. It is kept in the dead letter queue and can be replayed.`,
            3_000,
          ),
        },
      },
      {
        type: 'section',
        fields: [
          field('Event type', notice.eventType),
          field('Attempts', String(notice.attempts)),
          field('Last error', lastError),
          field('Dead-lettered at', notice.deadLetteredAt.toISOString()),
          field('Delivery id', notice.deliveryId),
          field('Event id', notice.eventId),
          field('Endpoint id', notice.endpointId),
        ],
      },
      {
        type: 'context',
        elements: [
          {
            type: 'mrkdwn',
            text: truncate(
              `Replay it with \`POST /v1/deliveries/${esc(notice.deliveryId)}/replay\`${dashboardLine(dashboardUrl)}, ` +
                'once the endpoint is fixed. Your handler should treat the event id as its idempotency key.',
              3_000,
            ),
          },
        ],
      },
    ],
  };
}

export function endpointDisabledMessage(notice: EndpointDisabledNotice, dashboardUrl?: string): SlackMessage {
  const held = notice.heldDeliveries === null ? 'Its deliveries' : `${notice.heldDeliveries} deliveries`;
  return {
    text: truncate(`Webhook endpoint disabled: ${notice.endpointUrl} (${notice.reason})`, 3_000),
    blocks: [
      { type: 'header', text: { type: 'plain_text', text: 'Webhook endpoint disabled' } },
      {
        type: 'section',
        text: {
          type: 'mrkdwn',
          text: truncate(
            `BookFlow stopped sending to \`${esc(notice.endpointUrl)}\`: ${esc(notice.reason)}. ` +
              `${held} are held, not lost, and will be sent once the endpoint is re-enabled.`,
            3_000,
          ),
        },
      },
      {
        type: 'section',
        fields: [
          field('Endpoint id', notice.endpointId),
          field('Last status', notice.lastStatusCode === null ? 'none' : `HTTP ${notice.lastStatusCode}`),
          field('Disabled at', notice.disabledAt.toISOString()),
        ],
      },
      {
        type: 'context',
        elements: [
          {
            type: 'mrkdwn',
            text: `Re-enable it with \`PATCH /v1/endpoints/${esc(notice.endpointId)}\`${dashboardLine(dashboardUrl)}.`,
          },
        ],
      },
    ],
  };
}

/**
 * Posts one message. The library's own retries stay off (its default): the caller decides whether
 * to try again, and a dead-letter pass should not stall on a slow Slack.
 */
export async function postToSlack(
  webhookUrl: string,
  message: SlackMessage,
  timeoutMs: number,
): Promise<void> {
  await new IncomingWebhook(webhookUrl, { timeout: timeoutMs }).send(message);
}

/** "Send a test notice" from the dashboard: proves the webhook works, changes nothing. */
export function testNoticeMessage(accountId: string, dashboardUrl?: string): SlackMessage {
  const text = `Test notice from BookFlow Webhooks for account ${accountId}: dead-letter and disabled-endpoint notices will arrive here.`;
  return {
    text,
    blocks: [
      { type: 'header', text: { type: 'plain_text', text: 'BookFlow Webhooks: test notice' } },
      {
        type: 'section',
        text: {
          type: 'mrkdwn',
          text: `${esc(text)} Nothing needs doing${dashboardLine(dashboardUrl)}.`,
        },
      },
    ],
  };
}
