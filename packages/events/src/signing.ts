import { createHmac } from 'node:crypto';
import { secretKey } from './secrets.ts';

export type Body = string | Uint8Array;

/**
 * Secrets may be given as `whsec_...` strings or as already-decoded keys. Callers on a hot path
 * (the delivery worker signs every attempt) decode once and pass Buffers.
 */
export type SigningSecret = string | Buffer;

function keyOf(secret: SigningSecret): Buffer {
  return typeof secret === 'string' ? secretKey(secret) : secret;
}

/** `X-BookFlow-Signature`: `sha256=<hex HMAC-SHA256(key, raw body)>`, one entry per secret, space-separated. */
export function signBookFlow(secrets: readonly SigningSecret[], body: Body): string {
  return secrets.map((s) => `sha256=${createHmac('sha256', keyOf(s)).update(body).digest('hex')}`).join(' ');
}

/** The Standard Webhooks signed content: `{id}.{timestamp}.{body}`. */
function standardContent(id: string, timestamp: number, body: Body): Buffer {
  const prefix = Buffer.from(`${id}.${timestamp}.`);
  return Buffer.concat([prefix, typeof body === 'string' ? Buffer.from(body) : body]);
}

/** `webhook-signature`: `v1,<base64 HMAC-SHA256(key, "{id}.{timestamp}.{body}")>`, space-separated during rotation. */
export function signStandard(
  secrets: readonly SigningSecret[],
  id: string,
  timestamp: number,
  body: Body,
): string {
  const content = standardContent(id, timestamp, body);
  return secrets
    .map((s) => `v1,${createHmac('sha256', keyOf(s)).update(content).digest('base64')}`)
    .join(' ');
}

export interface DeliveryHeaderInput {
  eventId: string;
  eventType: string;
  schemaVersion: string;
  attempt: number;
  /** The attempt's time on the sender's clock. */
  deliveredAt: Date;
  body: Body;
  /** Every active secret of the endpoint; more than one during a rotation overlap. */
  secrets: readonly SigningSecret[];
}

/** Every header of one delivery attempt (README, Wire contract), both signature schemes included. */
export function deliveryHeaders(input: DeliveryHeaderInput): Record<string, string> {
  const timestamp = Math.floor(input.deliveredAt.getTime() / 1000);
  return {
    'content-type': 'application/json',
    'x-bookflow-event-id': input.eventId,
    'x-bookflow-event-type': input.eventType,
    'x-bookflow-delivered-at': input.deliveredAt.toISOString(),
    'x-bookflow-schema-version': input.schemaVersion,
    'x-bookflow-attempt': String(input.attempt),
    'x-bookflow-signature': signBookFlow(input.secrets, input.body),
    'webhook-id': input.eventId,
    'webhook-timestamp': String(timestamp),
    'webhook-signature': signStandard(input.secrets, input.eventId, timestamp, input.body),
  };
}
