import { catalogue, type Envelope, type EventType, SCHEMA_VERSION } from '@bookflow/events';
import type { Db } from '@bookflow/pg';
import { notifyWorkers } from '../delivery/queue/notify-workers.ts';
import { getEndpoint } from '../endpoints/endpoints.ts';
import { uuid } from '../ids/ids.ts';
import { activeTraceparent } from '../tracing/trace-context.ts';

export type SendTestEventResult =
  | { ok: true; eventId: string; deliveryId: string }
  | { ok: false; reason: 'not_found' }
  /** The endpoint does not subscribe to the type, so it would never receive one in earnest. */
  | { ok: false; reason: 'not_subscribed'; subscribed: string[] }
  /** A disabled endpoint holds its deliveries; the test would wait until it is enabled. */
  | { ok: false; reason: 'endpoint_disabled' };

/**
 * "Send test event": the catalogue's example of `type`, in an envelope marked `test: true`, to one
 * endpoint only. It is an ordinary event row with one ordinary delivery row, written in one
 * transaction, so the worker signs, retries, logs and dead-letters it like any other; it never
 * goes through publishing, so no other endpoint gets it and it is never counted as usage.
 */
export async function sendTestEvent(
  db: Db,
  accountId: string,
  endpointId: string,
  type: EventType,
): Promise<SendTestEventResult> {
  // The test delivery continues the trace of the request that asked for it.
  const traceparent = activeTraceparent();
  return db.transaction(async (tx): Promise<SendTestEventResult> => {
    const endpoint = await getEndpoint(tx, accountId, endpointId);
    if (!endpoint) return { ok: false, reason: 'not_found' };
    if (!endpoint.event_types.includes(type)) {
      return { ok: false, reason: 'not_subscribed', subscribed: endpoint.event_types };
    }
    if (endpoint.status !== 'enabled') return { ok: false, reason: 'endpoint_disabled' };
    const eventId = uuid();
    const deliveryId = uuid();
    const createdAt = new Date();
    const envelope: Envelope = {
      id: eventId,
      type,
      created_at: createdAt.toISOString(),
      account_id: accountId,
      schema_version: SCHEMA_VERSION,
      test: true,
      data: catalogue[type].example as Envelope['data'],
    };
    await tx.query(
      `insert into events (id, account_id, type, schema_version, body, created_at, traceparent)
       values ($1, $2, $3, $4, $5, $6, $7)`,
      [eventId, accountId, type, SCHEMA_VERSION, JSON.stringify(envelope), createdAt, traceparent],
    );
    await tx.query(
      `insert into deliveries (id, event_id, endpoint_id, account_id, event_type, status, next_attempt_at, created_at)
       values ($1, $2, $3, $4, $5, 'pending', $6, $6)`,
      [deliveryId, eventId, endpoint.id, accountId, type, createdAt],
    );
    await notifyWorkers(tx);
    return { ok: true, eventId, deliveryId };
  });
}
