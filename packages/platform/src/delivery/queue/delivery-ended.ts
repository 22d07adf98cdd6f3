/**
 * What recording an attempt ended, as the rest of the platform hears of it (notifications/ tells
 * the account): the delivery went to the dead letter, or the platform disabled its endpoint (410
 * Gone, or failing too long) and the delivery is held with the others. Reported once per end,
 * after the transaction that recorded it has committed: never for an outcome that was rolled back,
 * nor for a row a batch refused.
 */
export type DeliveryEnded = DeliveryEnd & EndedDelivery;

/** Which end: the dead letter, or the endpoint disabled (and why). */
export type DeliveryEnd = { kind: 'dead_letter' } | { kind: 'endpoint_disabled'; cause: DisableCause };

/** Why the platform disabled the endpoint: 410 Gone, or every attempt failing for `failingForMs` (the limit `limitMs`). */
export type DisableCause =
  | { reason: 'gone_410' }
  | { reason: 'failing'; failingForMs: number; limitMs: number };

/** The delivery whose attempt ended it, and that last attempt. */
export interface EndedDelivery {
  accountId: string;
  endpointId: string;
  endpointUrl: string;
  deliveryId: string;
  eventId: string;
  eventType: string;
  /** The attempts made, the last one included. */
  attempts: number;
  lastError: string | null;
  lastStatusCode: number | null;
  /** When the end was reported. */
  at: Date;
}

/** Hears of each end; awaited, so the attempt is over only once it has. */
export type OnDeliveryEnded = (ended: DeliveryEnded) => Promise<void>;
