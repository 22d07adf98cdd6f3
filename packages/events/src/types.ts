/**
 * The newest schema version: events are published and stored in it, and an endpoint pinned to an
 * older one receives them converted down (see versions/). Older shapes live in versions/types.
 */
export const SCHEMA_VERSION = '2026-09-01';

export const EVENT_TYPES = [
  'call.started',
  'call.connected',
  'call.ended',
  'meeting.booked',
  'meeting.rescheduled',
  'meeting.canceled',
  'lead.disqualified',
  'meeting.completed',
  'trial.ending',
  'usage.threshold',
] as const;

export type EventType = (typeof EVENT_TYPES)[number];

/** The account events only the platform produces: publishing one is refused (reserved_event_type). */
export const PLATFORM_EVENT_TYPES = [
  'trial.ending',
  'usage.threshold',
] as const satisfies readonly EventType[];

/** The types a caller may publish. */
export const PUBLISHABLE_EVENT_TYPES = EVENT_TYPES.filter(
  (t) => !(PLATFORM_EVENT_TYPES as readonly string[]).includes(t),
);

export function isEventType(value: unknown): value is EventType {
  return typeof value === 'string' && (EVENT_TYPES as readonly string[]).includes(value);
}

/** The person the agent called, with what a CRM needs to match or create a record. */
export interface Lead {
  id: string;
  name: string;
  email: string | null;
  phone: string;
  company: string | null;
  title?: string | null;
  source: string;
  campaign: string | null;
  /** Fit score from 0 to 100 the agent assigned; null when it could not judge (since 2026-09-01). */
  score: number | null;
}

/** The AI voice agent that handled the call. */
export interface Agent {
  id: string;
  name: string;
}

/** The account executive who owns the meeting. */
export interface MeetingOwner {
  id: string;
  name: string;
  email: string;
}

export type CallDirection = 'outbound' | 'inbound';
export type CallOutcome = 'booked' | 'disqualified' | 'voicemail' | 'no_answer';

export interface CallStartedData {
  call_id: string;
  direction: CallDirection;
  from_number: string;
  to_number: string;
  started_at: string;
  lead: Lead;
  agent: Agent;
}

export interface CallConnectedData {
  call_id: string;
  direction: CallDirection;
  started_at: string;
  connected_at: string;
  ring_duration_seconds: number;
  lead: Lead;
  agent: Agent;
}

export interface CallEndedData {
  call_id: string;
  direction: CallDirection;
  started_at: string;
  ended_at: string;
  duration_seconds: number;
  outcome: CallOutcome;
  summary: string | null;
  transcript_url: string | null;
  recording_url: string | null;
  lead: Lead;
  agent: Agent;
}

export interface Meeting {
  id: string;
  title: string;
  start_at: string;
  end_at: string;
  timezone: string;
  location: string | null;
  conferencing_url: string | null;
  owner: MeetingOwner;
}

export interface MeetingBookedData {
  call_id: string;
  meeting: Meeting;
  lead: Lead;
  agent: Agent;
  summary: string | null;
  transcript_url: string | null;
  booked_at: string;
}

export interface MeetingRescheduledData {
  call_id: string | null;
  meeting: Meeting;
  previous_start_at: string;
  previous_end_at: string;
  rescheduled_by: 'lead' | 'agent' | 'owner';
  reason: string | null;
  lead: Lead;
  rescheduled_at: string;
}

export interface MeetingCanceledData {
  call_id: string | null;
  meeting: Meeting;
  canceled_by: 'lead' | 'agent' | 'owner';
  reason_code: 'no_longer_interested' | 'scheduling_conflict' | 'duplicate' | 'bad_fit' | 'other';
  reason: string | null;
  lead: Lead;
  canceled_at: string;
}

export type DisqualificationReasonCode =
  | 'no_budget'
  | 'no_authority'
  | 'no_need'
  | 'bad_timing'
  | 'competitor'
  | 'wrong_contact'
  | 'do_not_call'
  | 'other';

/** One reason a lead was disqualified, with what the lead said about it (since 2026-09-01). */
export interface DisqualificationReason {
  code: DisqualificationReasonCode;
  note: string | null;
}

export interface LeadDisqualifiedData {
  call_id: string;
  lead: Lead;
  agent: Agent;
  /** Every reason that applies, most important first; codes are unique (2026-04-10: `reason_codes`). */
  reasons: DisqualificationReason[];
  notes: string | null;
  transcript_url: string | null;
  disqualified_at: string;
}

export type MeetingAttendance = 'held' | 'no_show';

/** A booked meeting's time has passed and attendance is known (since 2026-09-01). */
export interface MeetingCompletedData {
  meeting: Meeting;
  lead: Lead;
  /** The call in which the meeting was booked. */
  call_id: string;
  outcome: MeetingAttendance;
  completed_at: string;
}

export interface TrialEndingData {
  trial_ends_at: string;
  days_remaining: number;
  plan: string;
  minutes_used: number;
  meetings_booked: number;
  upgrade_url: string;
}

export interface UsageThresholdData {
  threshold_percent: 75 | 90 | 100;
  minutes_used: number;
  minutes_included: number;
  plan: string;
  period_start: string;
  period_end: string;
}

/** Payload types keyed by event name, so a handler for `meeting.booked` gets a typed `data`. */
export interface EventDataMap {
  'call.started': CallStartedData;
  'call.connected': CallConnectedData;
  'call.ended': CallEndedData;
  'meeting.booked': MeetingBookedData;
  'meeting.rescheduled': MeetingRescheduledData;
  'meeting.canceled': MeetingCanceledData;
  'lead.disqualified': LeadDisqualifiedData;
  'meeting.completed': MeetingCompletedData;
  'trial.ending': TrialEndingData;
  'usage.threshold': UsageThresholdData;
}

/** The JSON body of every delivery, the envelope (README, Wire contract). */
export interface Envelope<T extends EventType = EventType> {
  id: string;
  type: T;
  created_at: string;
  account_id: string;
  schema_version: string;
  data: EventDataMap[T];
  /**
   * Present, and true, only on an event sent by "send test event" (`POST /v1/endpoints/{id}/test`):
   * the catalogue's example, sent to one endpoint. Receivers may ignore it or skip side effects.
   */
  test?: true;
}

/** Any envelope, discriminated on `type`. */
export type AnyEnvelope = { [T in EventType]: Envelope<T> }[EventType];
