import { dateTime, eventSchema, id, lead, meeting, object, oneOf } from './shared.ts';

export const MEETING_ATTENDANCE = ['held', 'no_show'] as const;

/** Since 2026-09-01. */
export const meetingCompletedSchema = eventSchema(
  'meeting.completed',
  "The meeting's time has passed and attendance is known.",
  object({
    meeting,
    lead,
    call_id: id('the call in which the meeting was booked'),
    outcome: oneOf(MEETING_ATTENDANCE, 'held: the lead attended; no_show: the lead did not'),
    completed_at: dateTime('when attendance was recorded, after the meeting ended'),
  }),
);
