import type { FastifyInstance } from 'fastify';
import { type Account, getAccount, updateNotificationSettings } from '../../accounts/accounts.ts';
import { checkDestinationUrl } from '../../destinations/index.ts';
import { ApiError } from '../../errors/catalogue.ts';
import type { NotificationChannel } from '../../notifications/index.ts';
import { accountAuth } from '../auth.ts';
import type { RouteDeps } from '../deps.ts';
import { allRequired, onlyFields, optionalFields } from '../docs/object-schema.ts';
import { operation } from '../docs/operation.ts';

/** Enough of a secret to recognise it, never enough to use it. */
export function maskSlackUrl(url: string): string {
  try {
    const parsed = new URL(url);
    return `${parsed.origin}/…${url.slice(-4)}`;
  } catch {
    return `…${url.slice(-4)}`;
  }
}

export function maskRoutingKey(key: string): string {
  return `••••••••${key.slice(-4)}`;
}

function present(account: Account) {
  return {
    slack: {
      configured: account.slack_webhook_url !== null,
      masked: account.slack_webhook_url ? maskSlackUrl(account.slack_webhook_url) : null,
    },
    pagerduty: {
      configured: account.pagerduty_routing_key !== null,
      masked: account.pagerduty_routing_key ? maskRoutingKey(account.pagerduty_routing_key) : null,
    },
  };
}

const channelState = allRequired({ configured: { type: 'boolean' }, masked: { type: ['string', 'null'] } });
const settingsSchema = {
  ...allRequired({ slack: channelState, pagerduty: channelState }),
  examples: [
    {
      slack: { configured: true, masked: 'https://hooks.slack.com/services/T000/…' },
      pagerduty: { configured: false, masked: null },
    },
  ],
} as const;
const SETTINGS_EXAMPLE = {
  slack: { configured: true, masked: 'https://hooks.slack.com/…Xk2q' },
  pagerduty: { configured: false, masked: null },
};
const channelParams = allRequired({ channel: { type: 'string', enum: ['slack', 'pagerduty'] } });

/**
 * The account's notification channels as the dashboard shows them: set, shown masked, tested,
 * removed. PATCH /v1/account sets the same fields; these routes add the masked view and the test.
 */
export function notificationRoutes(app: FastifyInstance, deps: RouteDeps<'config' | 'notifier'>): void {
  const onRequest = accountAuth(deps.db);

  async function settings(accountId: string) {
    const account = await getAccount(deps.db, accountId);
    if (!account) throw new ApiError('not_found');
    return account;
  }

  /** Sets (or, with null, removes) one channel and answers with the channels after the change. */
  async function save(accountId: string, channel: NotificationChannel, value: string | null) {
    const account = await updateNotificationSettings(
      deps.db,
      accountId,
      channel === 'slack' ? { slack_webhook_url: value } : { pagerduty_routing_key: value },
    );
    if (!account) throw new ApiError('not_found');
    return present(account);
  }

  app.get(
    '/v1/account/notifications',
    {
      onRequest,
      schema: operation({
        summary: 'Notification channels, masked',
        operationId: 'getNotificationSettings',
        tag: 'Notifications',
        auth: 'account',
        ok: { status: 200, description: 'The channels', schema: settingsSchema, example: SETTINGS_EXAMPLE },
        problems: ['not_found'],
      }),
    },
    async (request) => present(await settings(request.accountId)),
  );

  app.put<{ Params: { channel: NotificationChannel }; Body: { value: string } }>(
    '/v1/account/notifications/:channel',
    {
      onRequest,
      schema: operation({
        summary: 'Set a notification channel',
        description:
          '`slack`: `value` is a Slack incoming-webhook URL (https); `pagerduty`: an Events API v2 routing key.',
        operationId: 'setNotificationChannel',
        tag: 'Notifications',
        auth: 'account',
        params: channelParams,
        body: onlyFields({ value: { type: 'string', minLength: 1, maxLength: 2048 } }, ['value']),
        ok: {
          status: 200,
          description: 'The channels after the change',
          schema: settingsSchema,
          example: SETTINGS_EXAMPLE,
        },
        problems: ['csrf_token_invalid', 'invalid_url'],
      }),
    },
    async (request) => {
      const { channel } = request.params;
      const value = request.body.value.trim();
      if (channel === 'slack') {
        // The worker posts to this URL: the same rules as an endpoint's URL keep it off internal hosts.
        const checked = checkDestinationUrl(value, {
          allowPrivate: deps.config.allowPrivateDestinations,
          requireHttps: deps.config.requireHttps,
        });
        if (!checked.ok) throw new ApiError('invalid_url', `the Slack webhook URL: ${checked.reason}`);
      } else if (!/^[A-Za-z0-9]{1,64}$/.test(value)) {
        throw new ApiError('validation_failed', 'a PagerDuty routing key is 32 letters and digits');
      }
      return save(request.accountId, channel, value);
    },
  );

  app.delete<{ Params: { channel: NotificationChannel } }>(
    '/v1/account/notifications/:channel',
    {
      onRequest,
      schema: operation({
        summary: 'Remove a notification channel',
        operationId: 'removeNotificationChannel',
        tag: 'Notifications',
        auth: 'account',
        params: channelParams,
        ok: {
          status: 200,
          description: 'The channels after the change',
          schema: settingsSchema,
          example: { ...SETTINGS_EXAMPLE, slack: { configured: false, masked: null } },
        },
        problems: ['csrf_token_invalid'],
      }),
    },
    async (request) => save(request.accountId, request.params.channel, null),
  );

  app.post<{ Params: { channel: NotificationChannel } }>(
    '/v1/account/notifications/:channel/test',
    {
      onRequest,
      schema: operation({
        summary: 'Send a test notice',
        description: 'Posts a test notice to the channel now and answers whether it was accepted.',
        operationId: 'testNotificationChannel',
        tag: 'Notifications',
        auth: 'account',
        params: channelParams,
        ok: {
          status: 200,
          description: 'Whether the channel accepted the notice (`error` says why not)',
          schema: {
            ...optionalFields({
              channel: { type: 'string' },
              ok: { type: 'boolean' },
              error: { type: ['string', 'null'] },
            }),
            examples: [{ channel: 'slack', ok: true, error: null }],
          },
          example: { channel: 'slack', ok: true, error: null },
        },
        problems: ['csrf_token_invalid', 'notification_not_configured'],
      }),
    },
    async (request) => {
      const { channel } = request.params;
      const account = await settings(request.accountId);
      const set = channel === 'slack' ? account.slack_webhook_url : account.pagerduty_routing_key;
      if (!set) throw new ApiError('notification_not_configured', `set the ${channel} channel first`);
      return deps.notifier.test(
        { slackWebhookUrl: account.slack_webhook_url, pagerdutyRoutingKey: account.pagerduty_routing_key },
        request.accountId,
        channel,
      );
    },
  );
}
