import { agent, callDirection, dateTime, eventSchema, id, type JsonSchema, object, phone } from './shared.ts';

/** The schema, given the lead sub-schema of its version. */
export const callStartedSchema = (lead: JsonSchema): JsonSchema =>
  eventSchema(
    'call.started',
    'The agent started dialing, or picked up an inbound call.',
    object({
      call_id: id('BookFlow call id, shared by every event of this call'),
      direction: callDirection,
      from_number: phone('caller number'),
      to_number: phone('called number'),
      started_at: dateTime('when dialing started'),
      lead,
      agent,
    }),
  );
