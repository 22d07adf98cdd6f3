import type {
  CallDirection,
  CallOutcome,
  EventDataMap,
  EventType,
  Meeting,
  MeetingCanceledData,
} from '../types.ts';
import { businessSlot, DAY, iso, MINUTE, monthAround, plus, SECOND } from './clock.ts';
import type { Cast } from './people.ts';
import { CANCEL_REASONS, sampleDisqualification } from './phrases.ts';
import type { Random } from './random.ts';

const APP = 'https://app.bookflow.example';

/** One seed's drawn world: the people, the call and the meeting every event type of it talks about. */
export interface Scene {
  rnd: Random;
  now: Date;
  cast: Cast;
  callId: string;
  /** Drawn once so that call.started, call.connected and call.ended of one seed agree. */
  direction: CallDirection;
  /** The meeting the meeting.* events of one seed talk about. */
  meetingId: string;
}

const transcriptUrl = (callId: string) => `${APP}/calls/${callId}/transcript`;
const recordingUrl = (callId: string) => `${APP}/calls/${callId}/recording`;

/** Seconds a call lasts, by how it ended: unanswered calls ring out, booked calls run longest. */
const DURATION_SECONDS: Record<CallOutcome, [number, number]> = {
  booked: [240, 780],
  disqualified: [90, 420],
  voicemail: [28, 75],
  no_answer: [25, 45],
};

function callSummary(scene: Scene, outcome: CallOutcome): string | null {
  const { lead, seller } = scene.cast;
  const who = lead.company ? `${lead.name} (${lead.company})` : lead.name;
  switch (outcome) {
    case 'booked':
      return `${who} is evaluating options for the next quarter and asked to see ${seller} in action. Booked a demo with an account executive.`;
    case 'disqualified':
      return `${who} said the timing and budget do not fit this year. No meeting booked.`;
    case 'voicemail':
      return `Reached voicemail for ${lead.name}; left a short message with a callback number.`;
    case 'no_answer':
      return null;
  }
}

function sampleMeeting(scene: Scene, start: Date, minutes: number, id?: string): Meeting {
  const { rnd, cast } = scene;
  const video = rnd.chance(0.9);
  return {
    id: id ?? scene.meetingId,
    title: `${cast.seller} demo: ${cast.lead.company ?? cast.lead.name}`,
    start_at: iso(start),
    end_at: iso(plus(start, minutes * MINUTE)),
    timezone: cast.timezone,
    location: video ? null : `${cast.lead.company ?? 'Client'} office`,
    conferencing_url: video ? `https://meet.bookflow.example/${rnd.id('room', 10).slice(5)}` : null,
    owner: cast.owner,
  };
}

/** A meeting 1 to 6 business days after `from`, on the hour or half hour, 9:00 to 16:30 local. */
function futureMeeting(scene: Scene, from: Date, id?: string): Meeting {
  const { rnd, cast } = scene;
  const start = businessSlot(cast.timezone, from, rnd.int(1, 6), rnd.int(9, 16), rnd.pick([0, 30]));
  return sampleMeeting(scene, start, rnd.pick([30, 30, 45]), id);
}

type Generators = { [T in EventType]: (scene: Scene) => EventDataMap[T] };

/** Every call.* event names the call and its direction first and the two parties last. */
function callEvent<T extends object>(scene: Scene, detail: T) {
  const { callId, direction, cast } = scene;
  return { call_id: callId, direction, ...detail, lead: cast.lead, agent: cast.agent };
}

/** The payload of each event type, drawn from one scene, so that the events of a seed agree. */
export const generators: Generators = {
  'call.started': (scene) => {
    const { rnd, now, cast } = scene;
    const outbound = scene.direction === 'outbound';
    return callEvent(scene, {
      from_number: outbound ? cast.agentNumber : cast.lead.phone,
      to_number: outbound ? cast.lead.phone : cast.agentNumber,
      started_at: iso(plus(now, -rnd.int(0, 2) * SECOND)),
    });
  },
  'call.connected': (scene) => {
    const ring = scene.rnd.int(4, 22);
    return callEvent(scene, {
      started_at: iso(plus(scene.now, -ring * SECOND)),
      connected_at: iso(scene.now),
      ring_duration_seconds: ring,
    });
  },
  'call.ended': (scene) => {
    const { rnd, now, callId } = scene;
    const outcome = rnd.pick<CallOutcome>(['booked', 'disqualified', 'voicemail', 'no_answer']);
    const [min, max] = DURATION_SECONDS[outcome];
    const duration = rnd.int(min, max);
    const spoke = outcome !== 'no_answer';
    return callEvent(scene, {
      started_at: iso(plus(now, -duration * SECOND)),
      ended_at: iso(now),
      duration_seconds: duration,
      outcome,
      summary: callSummary(scene, outcome),
      transcript_url: spoke ? transcriptUrl(callId) : null,
      recording_url: spoke ? recordingUrl(callId) : null,
    });
  },
  'meeting.booked': (scene) => ({
    call_id: scene.callId,
    meeting: futureMeeting(scene, scene.now),
    lead: scene.cast.lead,
    agent: scene.cast.agent,
    summary: callSummary(scene, 'booked'),
    transcript_url: transcriptUrl(scene.callId),
    booked_at: iso(scene.now),
  }),
  'meeting.rescheduled': (scene) => {
    const { rnd, now, cast, callId } = scene;
    const previous = futureMeeting(scene, now);
    const meeting = futureMeeting(scene, new Date(previous.end_at), previous.id);
    const by = rnd.pick(['lead', 'agent', 'owner'] as const);
    const reasons = {
      lead: 'Lead asked for a later day.',
      agent: 'Lead called back to move it.',
      owner: 'AE out sick.',
    };
    return {
      // Only a move the agent made happened on a call; the others come from a calendar.
      call_id: by === 'agent' ? callId : null,
      meeting,
      previous_start_at: previous.start_at,
      previous_end_at: previous.end_at,
      rescheduled_by: by,
      reason: rnd.chance(0.8) ? reasons[by] : null,
      lead: cast.lead,
      rescheduled_at: iso(now),
    };
  },
  'meeting.canceled': (scene) => {
    const { rnd, now, cast, callId } = scene;
    const by = rnd.pick(['lead', 'agent', 'owner'] as const);
    const code = rnd.pick(Object.keys(CANCEL_REASONS) as Array<MeetingCanceledData['reason_code']>);
    return {
      call_id: by === 'agent' ? callId : null,
      meeting: futureMeeting(scene, now),
      canceled_by: by,
      reason_code: code,
      reason: rnd.chance(0.85) ? CANCEL_REASONS[code] : null,
      lead: cast.lead,
      canceled_at: iso(now),
    };
  },
  'lead.disqualified': ({ rnd, now, cast, callId }) => {
    return {
      call_id: callId,
      lead: cast.lead,
      agent: cast.agent,
      ...sampleDisqualification(rnd),
      transcript_url: transcriptUrl(callId),
      disqualified_at: iso(now),
    };
  },
  'meeting.completed': (scene) => {
    const { rnd, now, cast, callId } = scene;
    // The meeting ended a little before attendance was recorded; most leads show up.
    const minutes = rnd.pick([30, 30, 45]);
    const end = plus(now, -rnd.int(5, 90) * MINUTE);
    return {
      meeting: sampleMeeting(scene, plus(end, -minutes * MINUTE), minutes),
      lead: cast.lead,
      call_id: callId,
      outcome: rnd.chance(0.78) ? 'held' : 'no_show',
      completed_at: iso(now),
    };
  },
  'trial.ending': ({ rnd, now }) => {
    const meetings = rnd.int(2, 24);
    const plan = rnd.pick(['Starter', 'Growth', 'Scale']);
    return {
      // The event is sent exactly three days before the trial ends, so the sample says so.
      trial_ends_at: iso(plus(now, 3 * DAY)),
      days_remaining: 3,
      plan,
      // Roughly a quarter hour of calling per meeting booked, plus calls that booked nothing.
      minutes_used: meetings * rnd.int(12, 18) + rnd.int(10, 120),
      meetings_booked: meetings,
      upgrade_url: `${APP}/billing/upgrade?plan=${plan.toLowerCase()}`,
    };
  },
  'usage.threshold': ({ rnd, now }) => {
    const { plan, included } = rnd.pick([
      { plan: 'Starter', included: 500 },
      { plan: 'Growth', included: 2000 },
      { plan: 'Scale', included: 10000 },
    ]);
    const percent = rnd.pick([75, 90, 100] as const);
    // Crossed this threshold but not the next one: the event fires once per threshold.
    const next = percent === 75 ? 90 : percent === 90 ? 100 : 102;
    const floor = Math.ceil((included * percent) / 100);
    const ceiling = Math.ceil((included * next) / 100) - 1;
    const period = monthAround(now);
    return {
      threshold_percent: percent,
      minutes_used: rnd.int(floor, Math.min(ceiling, floor + Math.ceil(included / 100))),
      minutes_included: included,
      plan,
      period_start: iso(period.start),
      period_end: iso(period.end),
    };
  },
};
