import {
  changedBy,
  changeReason,
  dateTime,
  eventSchema,
  type JsonSchema,
  meeting,
  nullableId,
  object,
} from './shared.ts';

/** The schema, given the lead sub-schema of its version. */
export const meetingRescheduledSchema = (lead: JsonSchema): JsonSchema =>
  eventSchema(
    'meeting.rescheduled',
    'A booked meeting moved to a new time.',
    object({
      call_id: nullableId('the call in which it was moved; null when moved from a calendar'),
      meeting,
      previous_start_at: dateTime('start before the change'),
      previous_end_at: dateTime('end before the change'),
      rescheduled_by: changedBy,
      reason: changeReason,
      lead,
      rescheduled_at: dateTime('when the change was made'),
    }),
  );
