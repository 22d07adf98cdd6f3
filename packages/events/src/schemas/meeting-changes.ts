// The two changes to a booked meeting, side by side: both say who made the change and why, so a
// consumer handles a move and a cancellation with the same fields.
import {
  dateTime,
  eventSchema,
  type JsonSchema,
  meeting,
  nullableId,
  nullableText,
  object,
  oneOf,
} from './shared.ts';

const changedBy = oneOf(['lead', 'agent', 'owner'], 'who made the change');

/** Why a booked meeting was canceled or moved, in words, when someone gave a reason. */
const changeReason = nullableText('free-text reason, when one was given');

export const CANCEL_REASON_CODES = [
  'no_longer_interested',
  'scheduling_conflict',
  'duplicate',
  'bad_fit',
  'other',
] as const;

/** meeting.rescheduled, given the lead sub-schema of its version. */
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

/** meeting.canceled, given the lead sub-schema of its version. */
export const meetingCanceledSchema = (lead: JsonSchema): JsonSchema =>
  eventSchema(
    'meeting.canceled',
    'A booked meeting was canceled.',
    object({
      call_id: nullableId('the call in which it was canceled; null when canceled from a calendar'),
      meeting,
      canceled_by: changedBy,
      reason_code: oneOf(CANCEL_REASON_CODES, 'why, as a stable code for reporting'),
      reason: changeReason,
      lead,
      canceled_at: dateTime('when the meeting was canceled'),
    }),
  );
