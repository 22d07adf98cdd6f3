import type { EventType } from '../types.ts';
import { callConnectedSchema } from './call-connected.ts';
import { callEndedSchema } from './call-ended.ts';
import { callStartedSchema } from './call-started.ts';
import { leadDisqualifiedSchema, leadDisqualifiedSchema20260410 } from './lead-disqualified.ts';
import { meetingBookedSchema } from './meeting-booked.ts';
import { meetingCanceledSchema, meetingRescheduledSchema } from './meeting-changes.ts';
import { meetingCompletedSchema } from './meeting-completed.ts';
import { type JsonSchema, lead, lead20260410 } from './shared.ts';
import { trialEndingSchema } from './trial-ending.ts';
import { usageThresholdSchema } from './usage-threshold.ts';

/**
 * The payload (`data`) schemas of each version. A published version's map may only gain optional
 * fields, so payloads consumers stored against it stay valid; anything else is a new version.
 */
export const schemas20260901: { readonly [T in EventType]: JsonSchema } = {
  'call.started': callStartedSchema(lead),
  'call.connected': callConnectedSchema(lead),
  'call.ended': callEndedSchema(lead),
  'meeting.booked': meetingBookedSchema(lead),
  'meeting.rescheduled': meetingRescheduledSchema(lead),
  'meeting.canceled': meetingCanceledSchema(lead),
  'lead.disqualified': leadDisqualifiedSchema,
  'meeting.completed': meetingCompletedSchema,
  'trial.ending': trialEndingSchema,
  'usage.threshold': usageThresholdSchema,
};

/** 2026-04-10: no `lead.score`, `reason_codes` on lead.disqualified, no meeting.completed. */
export const schemas20260410: { readonly [T in Exclude<EventType, 'meeting.completed'>]: JsonSchema } = {
  'call.started': callStartedSchema(lead20260410),
  'call.connected': callConnectedSchema(lead20260410),
  'call.ended': callEndedSchema(lead20260410),
  'meeting.booked': meetingBookedSchema(lead20260410),
  'meeting.rescheduled': meetingRescheduledSchema(lead20260410),
  'meeting.canceled': meetingCanceledSchema(lead20260410),
  'lead.disqualified': leadDisqualifiedSchema20260410,
  'trial.ending': trialEndingSchema,
  'usage.threshold': usageThresholdSchema,
};
