import type { Queryable } from '@bookflow/pg';
import { getAccount } from '../accounts/accounts.ts';
import { describeDuration } from '../delivery/endpoint-health/index.ts';
import type { DeliveryEnded, DisableCause, OnDeliveryEnded } from '../delivery/queue/delivery-ended.ts';
import type { Notifier } from './notifier.ts';
import type { DeadLetterNotice, EndpointDisabledNotice, NotificationChannels } from './types.ts';

/**
 * The notices the delivery queue sends once it has recorded an attempt's outcome: the account is
 * told on the channels it set (none set: nothing is sent, and the notifier says so once). They run
 * after the queue's transaction has committed, so a slow Slack never holds a row lock, and a
 * notice is never sent for an outcome that was rolled back.
 */
export interface DeliveryNoticeDeps {
  db: Queryable;
  notifier: Notifier;
}

/** The subscriber the queue reports its ends to (wired where the worker is built): one notice per end. */
export function deliveryNotices(deps: DeliveryNoticeDeps): OnDeliveryEnded {
  return (ended: DeliveryEnded) => {
    if (ended.kind === 'dead_letter') {
      const { kind, at, ...delivery } = ended;
      return noticeDeadLetter(deps, { ...delivery, deadLetteredAt: at });
    }
    const { accountId, endpointId, endpointUrl, lastStatusCode, at } = ended;
    const reason = disableReason(ended.cause);
    return noticeEndpointDisabled(deps, {
      accountId,
      endpointId,
      endpointUrl,
      reason,
      lastStatusCode,
      disabledAt: at,
    });
  };
}

/** The reason as the account reads it. */
function disableReason(cause: DisableCause): string {
  if (cause.reason === 'gone_410') return 'the endpoint answered 410 Gone';
  const limit = describeDuration(cause.limitMs);
  return `every attempt has failed for ${describeDuration(cause.failingForMs)} (the limit is ${limit})`;
}

/** A delivery used up its retries and went to the dead letter. */
async function noticeDeadLetter(deps: DeliveryNoticeDeps, notice: DeadLetterNotice): Promise<void> {
  const channels = await accountChannels(deps.db, notice.accountId);
  if (channels) await deps.notifier.deadLetter(channels, notice);
}

/** The platform disabled an endpoint (410 Gone, or failing too long); says how many deliveries wait. */
async function noticeEndpointDisabled(
  deps: DeliveryNoticeDeps,
  notice: Omit<EndpointDisabledNotice, 'heldDeliveries'>,
): Promise<void> {
  const channels = await accountChannels(deps.db, notice.accountId);
  if (!channels) return;
  await deps.notifier.endpointDisabled(channels, {
    ...notice,
    heldDeliveries: await heldCount(deps.db, notice.endpointId),
  });
}

async function accountChannels(db: Queryable, accountId: string): Promise<NotificationChannels | null> {
  const account = await getAccount(db, accountId);
  if (!account) return null;
  return { slackWebhookUrl: account.slack_webhook_url, pagerdutyRoutingKey: account.pagerduty_routing_key };
}

async function heldCount(db: Queryable, endpointId: string): Promise<number> {
  const { rows } = await db.query<{ n: number }>(
    `select count(*)::int as n from deliveries where endpoint_id = $1 and status = 'held'`,
    [endpointId],
  );
  return rows[0]?.n ?? 0;
}
