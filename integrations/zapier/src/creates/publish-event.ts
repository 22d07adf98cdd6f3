import { catalogue, EVENT_TYPES, type EventType, PUBLISHABLE_EVENT_TYPES } from '@bookflow/events';
import type { Bundle, ZObject } from 'zapier-platform-core';
import { apiUrl } from '../api.ts';

/** The event's data as the user typed it, or the catalogue's example when they left it empty. */
function dataOf(z: ZObject, type: EventType, text: unknown): unknown {
  if (typeof text !== 'string' || text.trim() === '') return catalogue[type].example;
  try {
    return JSON.parse(text);
  } catch {
    throw new z.errors.Error(
      'Data must be a JSON object, or empty to send the example.',
      'invalid_json',
      400,
    );
  }
}

/** "Publish event": sends an event through BookFlow as the voice agent would, to test a Zap end to end. */
export const publishEvent = {
  key: 'publish_event',
  noun: 'Event',
  display: {
    label: 'Publish Event',
    description: 'Publishes an event to every endpoint subscribed to its type (for testing a Zap).',
  },
  operation: {
    inputFields: [
      {
        key: 'event_type',
        label: 'Event Type',
        required: true,
        // trial.ending and usage.threshold come from the platform only: publishing them is refused.
        choices: Object.fromEntries(PUBLISHABLE_EVENT_TYPES.map((t) => [t, t])),
      },
      {
        key: 'data',
        label: 'Data (JSON)',
        type: 'text' as const,
        required: false,
        helpText: "The event's `data` object as JSON. Leave empty to send the catalogue's example.",
      },
      {
        key: 'idempotency_key',
        label: 'Idempotency Key',
        required: false,
        helpText: 'Publishing twice with the same key sends the event once.',
      },
    ],
    async perform(z: ZObject, bundle: Bundle) {
      const type = String(bundle.inputData.event_type);
      if (!(EVENT_TYPES as readonly string[]).includes(type)) {
        throw new z.errors.Error(`Unknown event type "${type}".`, 'unknown_event_type', 400);
      }
      const key = bundle.inputData.idempotency_key;
      const response = await z.request({
        url: apiUrl(bundle, '/v1/events'),
        method: 'POST',
        headers: key ? { 'idempotency-key': String(key) } : {},
        body: { type, data: dataOf(z, type as EventType, bundle.inputData.data) },
      });
      return { id: (response.data as { id: string }).id, type };
    },
    sample: { id: '00000000-0000-4000-8000-000000000000', type: 'meeting.booked' },
    outputFields: [
      { key: 'id', label: 'Event ID' },
      { key: 'type', label: 'Event Type' },
    ],
  },
};
