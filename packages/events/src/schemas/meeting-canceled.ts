import {
  changedBy,
  changeReason,
  dateTime,
  eventSchema,
  type JsonSchema,
  meeting,
  nullableId,
  object,
  oneOf,
} from './shared.ts';

export const CANCEL_REASON_CODES = [
  'no_longer_interested',
  'scheduling_conflict',
  'duplicate',
  'bad_fit',
  'other',
] as const;

/** The schema, given the lead sub-schema of its version. */
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
