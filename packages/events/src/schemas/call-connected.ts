import { agent, callDirection, count, dateTime, eventSchema, id, lead, object } from './shared.ts';

export const callConnectedSchema = eventSchema(
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
