/**
 * The `data` of each server-sent event the API streams, as shared OpenAPI components. A stream's
 * body is text; its 200 answer names these through `contentSchema` (JSON Schema 2020-12, as
 * OpenAPI 3.1 allows), so the generated types carry each event's shape.
 */
import { FORWARDED_DELIVERY_SCHEMA } from '../../listen/forwarded-delivery.ts';
import { allRequired } from './object-schema.ts';
import { ATTEMPT_SCHEMA, DELIVERY_SCHEMA } from './schemas.ts';

const d = DELIVERY_SCHEMA.properties;
// The attempt as GET /v1/deliveries/{id} shows it, less what the stream leaves out.
const { trigger, scheduled_at, response_content_type, ...attemptFields } = ATTEMPT_SCHEMA.properties;
const delivery = {
  delivery_id: d.id,
  event_id: d.event_id,
  endpoint_id: d.endpoint_id,
  event_type: d.event_type,
  status: d.status,
};

export const DELIVERY_CREATED_SCHEMA = {
  $id: 'DeliveryCreated',
  description: 'The `data` of a `delivery.created` event: a new delivery',
  ...allRequired({ ...delivery, trigger: d.trigger, created_at: d.created_at }),
} as const;

export const ATTEMPT_FINISHED_SCHEMA = {
  $id: 'AttemptFinished',
  description:
    "The `data` of an `attempt.finished` event: an attempt's result, and its delivery's status after it",
  ...allRequired({
    ...delivery,
    ...attemptFields,
  }),
} as const;

export const LISTEN_READY_SCHEMA = {
  $id: 'ListenReady',
  description: 'The `data` of the `ready` event that opens a listen stream',
  ...allRequired({
    endpoint_id: { type: 'string' },
    answer_timeout_ms: {
      type: 'integer',
      description: 'How long the platform waits for the answer to a forwarded delivery',
    },
  }),
} as const;

export const STREAM_SCHEMAS = [
  DELIVERY_CREATED_SCHEMA,
  ATTEMPT_FINISHED_SCHEMA,
  LISTEN_READY_SCHEMA,
  FORWARDED_DELIVERY_SCHEMA,
];

/**
 * The 200 answer's schema of an event stream: text, whose events carry the named components as
 * their `data` (`event` name → component).
 */
export function eventStream(events: Record<string, { $id: string }>): object {
  const listed = Object.entries(events).map(([event, schema]) => `\`${event}\`: ${schema.$id}`);
  return {
    type: 'string',
    description: `Server-sent events; each event's \`data\` is one JSON object (${listed.join(', ')})`,
    contentMediaType: 'text/event-stream',
    contentSchema: { oneOf: Object.values(events).map((schema) => ({ $ref: `${schema.$id}#` })) },
  };
}
