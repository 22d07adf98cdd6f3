import { catalogue, type EventType, SCHEMA_VERSION } from '@bookflow/events';
import type { Bundle, ZObject } from 'zapier-platform-core';
import { apiUrl } from '../api.ts';
import { type Envelope, flatten, outputFieldsOf } from '../fields.ts';
import { type RawRequest, verifyHookRequest } from './verify.ts';

/** "meeting.booked" → "meeting_booked": Zapier keys allow letters, digits and underscores only. */
export const triggerKey = (type: string) => type.replace(/[^a-zA-Z0-9]+/g, '_');

/** "meeting.booked" → "Meeting Booked". */
export const triggerLabel = (type: string) =>
  type
    .split(/[._]/)
    .map((w) => w.charAt(0).toUpperCase() + w.slice(1))
    .join(' ');

/** Events shown while a user maps fields: a few recent ones are enough to see real values. */
const SAMPLE_EVENTS = 3;

interface SubscribeData {
  id: string;
  secret: string;
}

/**
 * Subscribe: an endpoint for the Zap's hook URL, subscribed to this type alone. Its description
 * says it belongs to Zapier (and to which Zap), so the account's endpoint list explains itself.
 * The secret, shown only in this answer, is kept in the subscribe data to verify deliveries.
 */
function subscribe(type: EventType) {
  return async (z: ZObject, bundle: Bundle): Promise<SubscribeData> => {
    const zap = (bundle.meta as { zap?: { id?: string } }).zap?.id;
    const response = await z.request({
      url: apiUrl(bundle, '/v1/endpoints'),
      method: 'POST',
      body: {
        url: bundle.targetUrl,
        event_types: [type],
        // Pinned to the version the trigger's fields were generated from, whatever the account's default.
        schema_version: SCHEMA_VERSION,
        description: `Zapier: ${zap ? `Zap ${zap}` : 'a Zap'} (${type})`,
      },
    });
    const endpoint = response.data as SubscribeData;
    return { id: endpoint.id, secret: endpoint.secret };
  };
}

/** Unsubscribe: the endpoint is deleted; one already deleted (by hand, in the dashboard) is fine. */
async function unsubscribe(z: ZObject, bundle: Bundle) {
  const id = (bundle.subscribeData as SubscribeData | undefined)?.id;
  if (!id) return {};
  const response = await z.request({
    url: apiUrl(bundle, `/v1/endpoints/${encodeURIComponent(id)}`),
    method: 'DELETE',
    skipThrowForStatus: true,
  });
  if (response.status >= 400 && response.status !== 404) response.throwForStatus();
  return {};
}

/**
 * Perform: one delivery. The hook URL is secret but not authenticated, so anything can be posted
 * to it; what does not carry a valid signature of this endpoint is dropped (an empty list starts
 * no Zap run), and so is a signed event of another type.
 */
function perform(type: EventType) {
  return (z: ZObject, bundle: Bundle) => {
    const secret = (bundle.subscribeData as SubscribeData | undefined)?.secret;
    const verified = verifyHookRequest(bundle.rawRequest as RawRequest | undefined, secret);
    if (!verified.ok) {
      z.console.log(`dropped a request that did not verify: ${verified.reason}`);
      return [];
    }
    const envelope = parseEnvelope(verified.body);
    if (envelope?.type !== type || !envelope.data) return [];
    return [flatten(type, envelope)];
  };
}

/** The verified body as an envelope; null for anything else (only the platform signs, but a body is checked, never trusted). */
function parseEnvelope(body: string): Envelope | null {
  try {
    const value: unknown = JSON.parse(body);
    if (!value || typeof value !== 'object' || Array.isArray(value)) return null;
    const data = (value as { data?: unknown }).data;
    return data && typeof data === 'object' && !Array.isArray(data) ? (value as Envelope) : null;
  } catch {
    return null;
  }
}

/**
 * performList: recent real events of this type, for mapping fields. The platform lists deliveries
 * (not events) by type, so the newest deliveries name the events, read one by one. With no history
 * (or every payload erased), the catalogue's example stands in.
 */
function performList(type: EventType) {
  return async (z: ZObject, bundle: Bundle) => {
    const deliveries = await z.request({
      url: apiUrl(bundle, '/v1/deliveries'),
      params: { event_type: type, limit: '50' },
    });
    const ids = [
      ...new Set((deliveries.data as { data: { event_id: string }[] }).data.map((d) => d.event_id)),
    ];
    const events: Record<string, unknown>[] = [];
    for (const id of ids.slice(0, SAMPLE_EVENTS)) {
      const event = await z.request({ url: apiUrl(bundle, `/v1/events/${encodeURIComponent(id)}`) });
      const envelope = event.data as Envelope;
      if (envelope.data) events.push(flatten(type, envelope));
    }
    return events.length > 0 ? events : [exampleOf(type)];
  };
}

/** The catalogue's example payload in an envelope, flattened like a delivery. */
export function exampleOf(type: EventType): Record<string, unknown> {
  return flatten(type, {
    id: '00000000-0000-4000-8000-000000000000',
    type,
    created_at: '2026-04-10T17:30:00.000Z',
    account_id: 'acct_example',
    schema_version: '2026-04-10',
    data: catalogue[type].example as unknown as Record<string, unknown>,
  });
}

/** The instant (REST hook) trigger of one event type; the app has one per type in the catalogue. */
export function eventTrigger(type: EventType) {
  const description = catalogue[type].description.replace(/^[a-z.]+: /, '');
  return {
    key: triggerKey(type),
    noun: 'Event',
    display: {
      label: triggerLabel(type),
      description: `Triggers when ${description} (${type}).`,
    },
    operation: {
      type: 'hook' as const,
      performSubscribe: subscribe(type),
      performUnsubscribe: unsubscribe,
      perform: perform(type),
      performList: performList(type),
      sample: exampleOf(type),
      outputFields: outputFieldsOf(type).map(({ localOf: _computed, ...field }) => field),
    },
  };
}
