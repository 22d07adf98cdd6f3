import { agent, callDirection, count, dateTime, eventSchema, id, type JsonSchema, object } from './shared.ts';

/** The schema, given the lead sub-schema of its version. */
export const callConnectedSchema = (lead: JsonSchema): JsonSchema =>
  eventSchema(
    'call.connected',
    'The lead answered and the conversation began.',
    object({
      call_id: id('BookFlow call id'),
      direction: callDirection,
      started_at: dateTime('when dialing started'),
      connected_at: dateTime('when the lead answered'),
      ring_duration_seconds: count('whole seconds between started_at and connected_at'),
      lead,
      agent,
    }),
  );
