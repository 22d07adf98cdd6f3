import { IncomingWebhook } from '@slack/webhook';
import { type Alerter, type DeadLetterAlert, summarize, summarizeVolume, type VolumeAlert } from './alert.ts';

export interface SlackAlerterOptions {
  /** The Incoming Webhook URL (https://hooks.slack.com/services/...). */
  webhookUrl: string;
  /** Request timeout in milliseconds. Default 5000. */
  timeoutMs?: number;
  /** Tells the on-call how to replay, e.g. "npm run receiver -- replay <id>" or a dashboard link. */
  replayHint?: string;
}

/**
 * Posts dead-letter and volume alerts to a Slack channel through an Incoming Webhook. Slack has no
 * incident to close, so a volume recovery is a message of its own.
 */
export class SlackAlerter implements Alerter {
  readonly channel = 'slack';
  readonly #webhook: IncomingWebhook;
  readonly #hint: string | undefined;

  constructor(options: SlackAlerterOptions) {
    this.#webhook = new IncomingWebhook(options.webhookUrl, { timeout: options.timeoutMs ?? 5000 });
    this.#hint = options.replayHint;
  }

  async notify(alert: DeadLetterAlert): Promise<void> {
    const fields = [
      `*Event:* \`${alert.eventType}\` \`${alert.eventId}\``,
      `*Attempts:* ${alert.attempts}`,
      `*Received:* ${alert.receivedAt.toISOString()}`,
      `*Receiver:* ${alert.source}`,
      `*Last error:* ${alert.error.slice(0, 500)}`,
    ];
    if (this.#hint) fields.push(`*Replay:* ${this.#hint}`);
    await this.#webhook.send({
      text: summarize(alert),
      blocks: [
        { type: 'header', text: { type: 'plain_text', text: 'BookFlow event dead-lettered' } },
        { type: 'section', text: { type: 'mrkdwn', text: fields.join('\n') } },
      ],
    });
  }

  async notifyVolume(alert: VolumeAlert): Promise<void> {
    const triggered = alert.status === 'triggered';
    const fields = [
      `*Event type:* \`${alert.eventType}\``,
      `*Hour:* ${alert.hour.toISOString()} (UTC)`,
      `*Accepted:* ${alert.count}, usually ${alert.baseline} (same hour, previous weeks)`,
      `*Receiver:* ${alert.source}`,
    ];
    await this.#webhook.send({
      text: summarizeVolume(alert),
      blocks: [
        {
          type: 'header',
          text: {
            type: 'plain_text',
            text: triggered ? 'BookFlow event volume dropped' : 'BookFlow event volume recovered',
          },
        },
        { type: 'section', text: { type: 'mrkdwn', text: fields.join('\n') } },
      ],
    });
  }
}
