import {
  agent,
  callDirection,
  count,
  dateTime,
  eventSchema,
  id,
  type JsonSchema,
  nullableText,
  nullableUrl,
  object,
  oneOf,
} from './shared.ts';

export const CALL_OUTCOMES = ['booked', 'disqualified', 'voicemail', 'no_answer'] as const;

/** The schema, given the lead sub-schema of its version. */
export const callEndedSchema = (lead: JsonSchema): JsonSchema =>
  eventSchema(
    'call.ended',
    'The call finished with an outcome.',
    object({
      call_id: id('BookFlow call id'),
      direction: callDirection,
      started_at: dateTime('when dialing started'),
      ended_at: dateTime('when the call ended'),
      duration_seconds: count('whole seconds between started_at and ended_at'),
      outcome: oneOf(CALL_OUTCOMES, 'how the call ended'),
      summary: nullableText('what was said, written by the agent; null when nobody answered'),
      transcript_url: nullableUrl('full transcript; null when nothing was said'),
      recording_url: nullableUrl('call recording; null when not recorded'),
      lead,
      agent,
    }),
  );
