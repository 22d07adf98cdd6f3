import type { EventDataMap } from '@bookflow/events';
import type { Queryable } from '@bookflow/pg';
import { insertEvents, type PreparedEvent, prepare } from '../events/outbox.ts';
import type { PlatformEventType } from '../events/platform-event-types.ts';

let lastInstant = 0;

/**
 * Now, but later than any instant this process handed out before: two thresholds reached by one
 * call are stored (and delivered, which follows created_at) in the order they were reached.
 */
function nextInstant(): Date {
  lastInstant = Math.max(Date.now(), lastInstant + 1);
  return new Date(lastInstant);
}

/** A platform event ready to insert; its id is known first, so the row that makes it once-only can name it. */
export function platformEvent<T extends PlatformEventType>(
  accountId: string,
  type: T,
  data: EventDataMap[T],
  createdAt?: Date,
): PreparedEvent {
  return prepare({ accountId, type, data, source: 'platform', createdAt: createdAt ?? nextInstant() });
}

/**
 * Stores the event and its deliveries, in the caller's transaction, through the same outbox
 * statement as a published event: subscriptions, retries and dead letters apply unchanged.
 */
export async function emitPlatformEvent(tx: Queryable, event: PreparedEvent): Promise<void> {
  await insertEvents(tx, [event]);
}
