import {
  agent,
  dateTime,
  eventSchema,
  id,
  type JsonSchema,
  meeting,
  nullableText,
  nullableUrl,
  object,
} from './shared.ts';

/** The schema, given the lead sub-schema of its version. */
export const meetingBookedSchema = (lead: JsonSchema): JsonSchema =>
  eventSchema(
    'meeting.booked',
    'The agent booked a meeting on an account executive calendar.',
    object({
      call_id: id('the call in which the meeting was booked'),
      meeting,
      lead,
      agent,
      summary: nullableText('call summary, for the account executive to read before the meeting'),
      transcript_url: nullableUrl('full transcript of the call'),
      booked_at: dateTime('when the meeting was booked'),
    }),
  );
