import {
  type Agent,
  businessSlot,
  CANCEL_REASONS,
  type CallDirection,
  type CallOutcome,
  type EventDataMap,
  iso,
  type Lead,
  type Meeting,
  type MeetingCanceledData,
  type MeetingOwner,
  MINUTE,
  plus,
  type Random,
  sampleDisqualification,
} from '@bookflow/events';

// Payloads of one call's story, from the samples' people and phrases; shapes as the catalogue's
// newest schemas say (the simulator's tests validate every payload against them).

const APP = 'https://app.bookflow.example';

export interface Call {
  id: string;
  direction: CallDirection;
  lead: Lead;
  timezone: string;
  agent: Agent;
  agentNumber: string;
  startedAt: Date;
  connectedAt: Date | null;
  endedAt: Date;
  outcome: CallOutcome;
}

const transcriptUrl = (call: Call) => `${APP}/calls/${call.id}/transcript`;
const recordingUrl = (call: Call) => `${APP}/calls/${call.id}/recording`;
const seconds = (from: Date, to: Date) => Math.round((to.getTime() - from.getTime()) / 1000);

function summary(call: Call, seller: string): string | null {
  const { lead } = call;
  const who = lead.company ? `${lead.name} (${lead.company})` : lead.name;
  switch (call.outcome) {
    case 'booked':
      return `${who} wants to see ${seller} in action. Booked a demo with an account executive.`;
    case 'disqualified':
      return `${who} is not a fit right now. No meeting booked.`;
    case 'voicemail':
      return `Reached voicemail for ${lead.name}; left a short message with a callback number.`;
    case 'no_answer':
      return null;
  }
}

export function callStarted(call: Call): EventDataMap['call.started'] {
  const outbound = call.direction === 'outbound';
  return {
    call_id: call.id,
    direction: call.direction,
    from_number: outbound ? call.agentNumber : call.lead.phone,
    to_number: outbound ? call.lead.phone : call.agentNumber,
    started_at: iso(call.startedAt),
    lead: call.lead,
    agent: call.agent,
  };
}

export function callConnected(call: Call): EventDataMap['call.connected'] {
  const connectedAt = call.connectedAt!;
  return {
    call_id: call.id,
    direction: call.direction,
    started_at: iso(call.startedAt),
    connected_at: iso(connectedAt),
    ring_duration_seconds: seconds(call.startedAt, connectedAt),
    lead: call.lead,
    agent: call.agent,
  };
}

export function callEnded(call: Call, seller: string): EventDataMap['call.ended'] {
  const spoke = call.outcome !== 'no_answer';
  return {
    call_id: call.id,
    direction: call.direction,
    started_at: iso(call.startedAt),
    ended_at: iso(call.endedAt),
    duration_seconds: seconds(call.startedAt, call.endedAt),
    outcome: call.outcome,
    summary: summary(call, seller),
    transcript_url: spoke ? transcriptUrl(call) : null,
    recording_url: spoke ? recordingUrl(call) : null,
    lead: call.lead,
    agent: call.agent,
  };
}

/** A meeting `daysAhead` business days after `from`, on the hour or half hour, 9:00 to 16:30 in the lead's zone. */
export function meetingSlot(
  rnd: Random,
  call: Call,
  seller: string,
  owner: MeetingOwner,
  from: Date,
  daysAhead: number,
  id: string,
): Meeting {
  const start = businessSlot(call.timezone, from, daysAhead, rnd.int(9, 16), rnd.pick([0, 30]));
  const minutes = rnd.pick([30, 30, 45]);
  const video = rnd.chance(0.9);
  return {
    id,
    title: `${seller} demo: ${call.lead.company ?? call.lead.name}`,
    start_at: iso(start),
    end_at: iso(plus(start, minutes * MINUTE)),
    timezone: call.timezone,
    location: video ? null : `${call.lead.company ?? 'Client'} office`,
    conferencing_url: video ? `https://meet.bookflow.example/${rnd.id('room', 10).slice(5)}` : null,
    owner,
  };
}

export function meetingBooked(
  call: Call,
  meeting: Meeting,
  seller: string,
  at: Date,
): EventDataMap['meeting.booked'] {
  return {
    call_id: call.id,
    meeting,
    lead: call.lead,
    agent: call.agent,
    summary: summary(call, seller),
    transcript_url: transcriptUrl(call),
    booked_at: iso(at),
  };
}

const RESCHEDULE_REASONS = {
  lead: 'Lead asked for a later day.',
  agent: 'Lead called back to move it.',
  owner: 'AE had a conflict.',
} as const;

export function meetingRescheduled(
  rnd: Random,
  call: Call,
  previous: Meeting,
  meeting: Meeting,
  by: 'lead' | 'agent' | 'owner',
  at: Date,
): EventDataMap['meeting.rescheduled'] {
  return {
    // Only a move the agent made happened on a call; the others come from a calendar.
    call_id: by === 'agent' ? call.id : null,
    meeting,
    previous_start_at: previous.start_at,
    previous_end_at: previous.end_at,
    rescheduled_by: by,
    reason: rnd.chance(0.8) ? RESCHEDULE_REASONS[by] : null,
    lead: call.lead,
    rescheduled_at: iso(at),
  };
}

export function meetingCanceled(
  rnd: Random,
  call: Call,
  meeting: Meeting,
  at: Date,
): EventDataMap['meeting.canceled'] {
  const by = rnd.pick(['lead', 'lead', 'owner', 'agent'] as const);
  const code = rnd.pick(Object.keys(CANCEL_REASONS) as Array<MeetingCanceledData['reason_code']>);
  return {
    call_id: by === 'agent' ? call.id : null,
    meeting,
    canceled_by: by,
    reason_code: code,
    reason: rnd.chance(0.85) ? CANCEL_REASONS[code] : null,
    lead: call.lead,
    canceled_at: iso(at),
  };
}

export function leadDisqualified(rnd: Random, call: Call, at: Date): EventDataMap['lead.disqualified'] {
  return {
    call_id: call.id,
    lead: call.lead,
    agent: call.agent,
    ...sampleDisqualification(rnd),
    transcript_url: transcriptUrl(call),
    disqualified_at: iso(at),
  };
}

export function meetingCompleted(
  call: Call,
  meeting: Meeting,
  outcome: 'held' | 'no_show',
  at: Date,
): EventDataMap['meeting.completed'] {
  return { meeting, lead: call.lead, call_id: call.id, outcome, completed_at: iso(at) };
}
