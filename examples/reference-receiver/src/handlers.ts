import { type Connector, connectorsHandler } from '@bookflow/connectors';
import type { Receiver } from '@bookflow/receiver';

/**
 * The reference consumer's handlers: they log, then hand the event to the configured connectors
 * (warehouse, HubSpot, Salesforce; none by default). Replace them with your own, wrapping each
 * external call in ctx.once.
 */
export function registerReferenceHandlers(receiver: Receiver, connectors: readonly Connector[] = []): void {
  const runConnectors = connectorsHandler(connectors);
  receiver.on('meeting.booked', async (event, ctx) => {
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
    await runConnectors(event, ctx);
  });

  receiver.onAny(async (event, ctx) => {
    ctx.log.info(
      {
        account_id: event.accountId,
        schema_version: event.schemaVersion,
        received_at: event.receivedAt.toISOString(),
      },
      'event received',
    );
    await runConnectors(event, ctx);
  });
}
