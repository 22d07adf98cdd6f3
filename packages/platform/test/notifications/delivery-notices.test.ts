import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAccount } from '../../src/accounts/accounts.ts';
import type { DeliveryEnded, EndedDelivery } from '../../src/delivery/queue/delivery-ended.ts';
import {
  type DeadLetterNotice,
  deliveryNotices,
  type EndpointDisabledNotice,
  type NotificationChannels,
  type Notifier,
} from '../../src/notifications/index.ts';
import { openTestDatabase, type TestDatabase } from '../support/databases.ts';

/** Keeps what the subscriber asked it to send, sends nothing. */
function recordingNotifier() {
  const sent: { kind: string; channels: NotificationChannels; notice: unknown }[] = [];
  const notifier = {
    deadLetter: async (channels: NotificationChannels, notice: DeadLetterNotice) => {
      sent.push({ kind: 'dead_letter', channels, notice });
      return [];
    },
    endpointDisabled: async (channels: NotificationChannels, notice: EndpointDisabledNotice) => {
      sent.push({ kind: 'endpoint_disabled', channels, notice });
      return [];
    },
  } as unknown as Notifier;
  return { notifier, sent };
}

describe('delivery notices: what the queue reports ended, as the account hears it', () => {
  let database: TestDatabase;
  let accountId: string;
  const slack = 'https://hooks.slack.test/services/T0/B0/secret';

  beforeAll(async () => {
    database = await openTestDatabase('pglite');
    accountId = (await createAccount(database.db, { name: 'Acme', slack_webhook_url: slack })).account.id;
  });
  afterAll(() => database.close());

  const delivery = (): EndedDelivery => ({
    accountId,
    endpointId: 'ep_1',
    endpointUrl: 'https://hooks.example.com/bookflow',
    deliveryId: 'c1d8b4c6-1f6e-4a43-9b7e-5f0b2d7c9a10',
    eventId: '7d3c7a43-64f3-4f65-9a4c-42d1c0b6e6b1',
    eventType: 'meeting.booked',
    attempts: 7,
    lastError: 'HTTP 503',
    lastStatusCode: 503,
    at: new Date('2026-04-11T19:12:30.000Z'),
  });

  async function noticeOf(ended: DeliveryEnded) {
    const { notifier, sent } = recordingNotifier();
    await deliveryNotices({ db: database.db, notifier })(ended);
    return sent;
  }

  it('a dead letter becomes one dead-letter notice on the account channels', async () => {
    const { at, ...rest } = delivery();
    expect(await noticeOf({ kind: 'dead_letter', ...delivery() })).toEqual([
      {
        kind: 'dead_letter',
        channels: { slackWebhookUrl: slack, pagerdutyRoutingKey: null },
        notice: { ...rest, deadLetteredAt: at },
      },
    ]);
  });

  it('a disable says why in words, with the deliveries held', async () => {
    const gone = await noticeOf({ kind: 'endpoint_disabled', cause: { reason: 'gone_410' }, ...delivery() });
    expect(gone).toEqual([
      {
        kind: 'endpoint_disabled',
        channels: { slackWebhookUrl: slack, pagerdutyRoutingKey: null },
        notice: {
          accountId,
          endpointId: 'ep_1',
          endpointUrl: 'https://hooks.example.com/bookflow',
          reason: 'the endpoint answered 410 Gone',
          lastStatusCode: 503,
          heldDeliveries: 0,
          disabledAt: new Date('2026-04-11T19:12:30.000Z'),
        },
      },
    ]);
    const cause = { reason: 'failing', failingForMs: 90 * 60_000, limitMs: 3_600_000 } as const;
    const failing = await noticeOf({ kind: 'endpoint_disabled', cause, ...delivery() });
    expect((failing[0]!.notice as EndpointDisabledNotice).reason).toBe(
      'every attempt has failed for 1.5 hours (the limit is 1 hour)',
    );
  });

  it('an account gone meanwhile is told nothing', async () => {
    const ended: DeliveryEnded = { kind: 'dead_letter', ...delivery(), accountId: 'acct_missing' };
    expect(await noticeOf(ended)).toEqual([]);
  });
});
