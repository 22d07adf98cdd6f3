import { randomUUID } from 'node:crypto';
import {
  deliveryHeaders,
  type EventType,
  generateSecret,
  SCHEMA_VERSION,
  sampleEnvelope,
  signBookFlow,
} from '@bookflow/events';

export const SECRET = generateSecret();

export interface SignedDelivery {
  headers: Record<string, string>;
  body: string;
  id: string;
}

export interface SignOptions {
  secrets?: readonly string[];
  /** Sender clock for webhook-timestamp. Default now. */
  deliveredAt?: Date;
  attempt?: number;
}

/** Signs a body exactly as the platform does, with every header of a delivery (README, Wire contract). */
export function sign(envelope: Record<string, unknown>, options: SignOptions = {}): SignedDelivery {
  const body = JSON.stringify(envelope);
  const id = String(envelope.id);
  const headers = deliveryHeaders({
    eventId: id,
    eventType: String(envelope.type),
    schemaVersion: String(envelope.schema_version ?? SCHEMA_VERSION),
    attempt: options.attempt ?? 1,
    deliveredAt: options.deliveredAt ?? new Date(),
    body,
    secrets: options.secrets ?? [SECRET],
  });
  return { headers, body, id };
}

/** A signed delivery of a sample event of `type`. */
export function delivery(type: EventType = 'meeting.booked', options: SignOptions = {}): SignedDelivery {
  return sign(sampleEnvelope(type) as unknown as Record<string, unknown>, options);
}

/** Only the body-only BookFlow signature, as an older integration might send. */
export function bookFlowOnly(type: EventType = 'meeting.booked', secrets: readonly string[] = [SECRET]) {
  const envelope = sampleEnvelope(type);
  const body = JSON.stringify(envelope);
  return {
    id: envelope.id,
    body,
    headers: {
      'content-type': 'application/json',
      'x-bookflow-event-id': envelope.id,
      'x-bookflow-signature': signBookFlow(secrets, body),
    } as Record<string, string>,
  };
}

/**
 * A delivery whose body is formatted the way no JSON.stringify would produce it (indentation,
 * `1.0`, an escaped character). Verifying it proves an adapter checked the raw bytes: any
 * parse-and-re-serialise path changes the bytes and the signature no longer matches.
 */
export function oddlyFormatted(
  type: EventType = 'meeting.booked',
  options: SignOptions = {},
): SignedDelivery {
  const envelope = sampleEnvelope(type);
  const body = `{\n  "id": "${envelope.id}",\n  "type": "${type}",\n  "created_at": "${envelope.created_at}",\n  "account_id": "${envelope.account_id}",\n  "schema_version": "${envelope.schema_version}",\n  "score": 1.0,\n  "note": "caf\\u00e9",\n  "data": ${JSON.stringify(envelope.data, null, 4)}\n}\n`;
  const headers = deliveryHeaders({
    eventId: envelope.id,
    eventType: type,
    schemaVersion: envelope.schema_version,
    attempt: options.attempt ?? 1,
    deliveredAt: options.deliveredAt ?? new Date(),
    body,
    secrets: options.secrets ?? [SECRET],
  });
  return { headers, body, id: envelope.id };
}

/**
 * Any bytes, signed with the real signing code as a sender would sign them: the receiver must
 * answer each with a 200 or a permanent 4xx, never a 5xx the sender would retry for a day.
 */
export function signBody(body: string | Uint8Array, options: SignOptions & { eventId?: string } = {}) {
  const eventId = options.eventId ?? randomUUID();
  const headers = deliveryHeaders({
    eventId,
    eventType: 'meeting.booked',
    schemaVersion: SCHEMA_VERSION,
    attempt: options.attempt ?? 1,
    deliveredAt: options.deliveredAt ?? new Date(),
    body,
    secrets: options.secrets ?? [SECRET],
  });
  return { headers, body };
}

/** An envelope whose `data` is given, serialised as the platform serialises it. */
export function envelopeBody(data: unknown, id: string = randomUUID()): string {
  return JSON.stringify({ ...sampleEnvelope('meeting.booked'), id, data });
}

/** `data` holding arrays nested `depth` (at least 1) levels; the body then nests depth + 2 levels. */
export function nestedBody(depth: number, id: string = randomUUID()): string {
  const { data: _data, ...rest } = sampleEnvelope('meeting.booked');
  const head = JSON.stringify({ ...rest, id }).slice(0, -1);
  return `${head},"data":{"deep":${'['.repeat(depth)}${']'.repeat(depth)}}}`;
}
