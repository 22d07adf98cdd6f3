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
        account_id: event.accountId,
        schema_version: event.schemaVersion,
        meeting_id: meeting?.id,
        start_at: meeting?.start_at,
        owner: meeting?.owner?.email,
        lead_id: lead?.id,
        received_at: event.receivedAt.toISOString(),
      },
      'meeting booked',
    );
  });

  receiver.onAny((event, ctx) => {
    ctx.log.info(
      {
        account_id: event.accountId,
        schema_version: event.schemaVersion,
        received_at: event.receivedAt.toISOString(),
      },
      'event received',
    );
  });
}
