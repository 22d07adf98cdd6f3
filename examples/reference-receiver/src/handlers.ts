import type { Receiver } from '@bookflow/receiver';

/**
 * The reference consumer's handlers: they log. Replace them with your own (a CRM activity, a
 * warehouse row), wrapping each external call in ctx.once.
 */
export function registerReferenceHandlers(receiver: Receiver): void {
  receiver.on('meeting.booked', (event, ctx) => {
    const { meeting, lead } = event.data;
    ctx.log.info(
      {
        accountId: event.accountId,
        schemaVersion: event.schemaVersion,
        meetingId: meeting?.id,
        startAt: meeting?.start_at,
        owner: meeting?.owner?.email,
        leadId: lead?.id,
        receivedAt: event.receivedAt.toISOString(),
      },
      'meeting booked',
    );
  });

  receiver.onAny((event, ctx) => {
    ctx.log.info(
      {
        accountId: event.accountId,
        schemaVersion: event.schemaVersion,
        receivedAt: event.receivedAt.toISOString(),
      },
      'event received',
    );
  });
}
