import type { EventType } from '../types.ts';
import { callConnectedSchema } from './call-connected.ts';
import { callEndedSchema } from './call-ended.ts';
import { callStartedSchema } from './call-started.ts';
import { leadDisqualifiedSchema } from './lead-disqualified.ts';
import { meetingBookedSchema } from './meeting-booked.ts';
import { meetingCanceledSchema } from './meeting-canceled.ts';
import { meetingRescheduledSchema } from './meeting-rescheduled.ts';
import type { JsonSchema } from './shared.ts';
import { trialEndingSchema } from './trial-ending.ts';
import { usageThresholdSchema } from './usage-threshold.ts';

/**
 * The payload (`data`) schemas of version 2026-04-10. A breaking change gets a new version with
 * its own map; this one may only gain optional fields, so payloads consumers stored against it
 * stay valid.
 */
export const schemas20260410: { readonly [T in EventType]: JsonSchema } = {
  'call.started': callStartedSchema,
  'call.connected': callConnectedSchema,
  'call.ended': callEndedSchema,
  'meeting.booked': meetingBookedSchema,
  'meeting.rescheduled': meetingRescheduledSchema,
  'meeting.canceled': meetingCanceledSchema,
  'lead.disqualified': leadDisqualifiedSchema,
  'trial.ending': trialEndingSchema,
  'usage.threshold': usageThresholdSchema,
};
