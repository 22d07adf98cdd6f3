export { type DeliveryNoticeDeps, deliveryNotices } from './delivery-notices.ts';
export type { Notifier, NotifierOptions } from './notifier.ts';
export { createNotifier, DEFAULT_NOTIFICATION_TIMEOUT_MS } from './notifier.ts';
export type { PagerDutyEvent } from './pagerduty.ts';
export { deadLetterEvent, endpointDisabledEvent } from './pagerduty.ts';
export type { SlackMessage } from './slack.ts';
export { deadLetterMessage, endpointDisabledMessage } from './slack.ts';
export type * from './types.ts';
