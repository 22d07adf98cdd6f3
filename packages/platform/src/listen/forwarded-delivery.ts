import type { FromSchema } from 'json-schema-to-ts';

/**
 * One delivery as the CLI receives it (event `delivery` of GET /v1/listen/{id}/stream): POST
 * `body` with exactly these `headers` to the local URL. Written once, as the JSON Schema the
 * OpenAPI document shows; the type follows from it.
 */
export const FORWARDED_DELIVERY_SCHEMA = {
  $id: 'ForwardedDelivery',
  type: 'object',
  description: 'The `data` of a `delivery` event: POST `body` with exactly `headers` to the local URL',
  additionalProperties: false,
  required: ['delivery_id', 'event_id', 'event_type', 'attempt', 'headers', 'body'],
  properties: {
    delivery_id: { type: 'string' },
    event_id: { type: 'string' },
    event_type: { type: 'string' },
    attempt: { type: 'integer' },
    headers: { type: 'object', additionalProperties: { type: 'string' } },
    body: { type: 'string' },
  },
} as const;

export type ForwardedDelivery = FromSchema<typeof FORWARDED_DELIVERY_SCHEMA>;
