import { createHash } from 'node:crypto';
import {
  type EventDataMap,
  type EventType,
  type Meeting,
  MINUTE,
  plus,
  Random,
  SECOND,
} from '@bookflow/events';
import { type ListedLead, type SimulatedAccount, simulatedAccount } from './account.ts';
import type { SimulationOptions } from './options.ts';
import * as payload from './payloads.ts';
import { Timeline } from './timeline.ts';

/** One event of the stream, at its simulated time. */
export interface SimEvent<T extends EventType = EventType> {
  at: Date;
  type: T;
  data: EventDataMap[T];
  /** The lead it is about: the sender keeps each lead's events in order. */
  leadId: string;
  source: string;
  campaign: string | null;
}

type Task = { kind: 'dial' } | { kind: 'emit'; event: SimEvent } | { kind: 'release'; lead: ListedLead };

/** How many times a lead is called before the agent gives up on it. */
const MAX_ATTEMPTS = 3;

/**
 * Outcome shares of an outbound call, as voice-agent dialers report them: most calls are not
 * answered or reach voicemail; of the conversations, about two in five book a meeting.
 */
const OUTBOUND = { noAnswer: 0.4, voicemail: 0.28 };
const BOOK_WHEN_CONNECTED = { outbound: 0.4, inbound: 0.55 };
/** What becomes of a booked meeting before its time. */
const MEETING_FATE = { canceled: 0.1, rescheduled: 0.12 };
const SHOW_RATE = 0.78;

const wholeSeconds = (ms: number) => Math.ceil(ms / SECOND) * SECOND;

/**
 * The seeded event stream of a voice agent's day: calls started as a Poisson process at `rate`
 * per simulated second over the calling window, each with its connection, outcome, meeting or
 * disqualification, and each meeting's later life (moved, canceled, held or missed) on the
 * simulated clock. Pure: one Random drawn in one order, so the same options give the same stream.
 */
export class Simulation {
  readonly account: SimulatedAccount;
  /** Calls the agent could not place because every lead was booked, disqualified, called out or on a call. */
  skippedCalls = 0;
  private readonly rnd: Random;
  private readonly pool: ListedLead[];

  constructor(private readonly options: SimulationOptions) {
    this.rnd = new Random(options.seed);
    this.account = simulatedAccount(this.rnd, options.leads, options);
    this.pool = [...this.account.leads];
  }

  /** The calling window's end, in simulated time. */
  get callingEndsAt(): Date {
    return plus(this.options.start, this.options.durationMs);
  }

  *events(): Generator<SimEvent> {
    const timeline = new Timeline<Task>();
    const start = this.options.start.getTime();
    const end = start + this.options.durationMs;
    timeline.schedule(start + this.interval(), { kind: 'dial' });
    for (let next = timeline.next(); next; next = timeline.next()) {
      if (!this.options.drain && next.at > end) return;
      const task = next.item;
      if (task.kind === 'emit') yield task.event;
      else if (task.kind === 'release') {
        if (task.lead.state === 'open' && task.lead.attempts < MAX_ATTEMPTS) this.pool.push(task.lead);
      } else if (next.at < end) {
        this.placeCall(timeline, wholeSeconds(next.at));
        timeline.schedule(next.at + this.interval(), { kind: 'dial' });
      }
    }
  }

  /** Milliseconds to the next call: exponential, so calls arrive as a Poisson process. */
  private interval(): number {
    return Math.max(1, Math.round((-Math.log(1 - this.rnd.next()) / this.options.rate) * SECOND));
  }

  private takeLead(): ListedLead | null {
    if (this.pool.length === 0) return null;
    const i = this.rnd.int(0, this.pool.length - 1);
    const lead = this.pool[i]!;
    this.pool[i] = this.pool[this.pool.length - 1]!;
    this.pool.pop();
    return lead;
  }

  private placeCall(timeline: Timeline<Task>, at: number): void {
    const listed = this.takeLead();
    if (!listed) {
      this.skippedCalls++;
      return;
    }
    const { rnd, account } = this;
    listed.attempts++;
    const emit = <T extends EventType>(when: Date, type: T, data: EventDataMap[T]) =>
      timeline.schedule(when.getTime(), {
        kind: 'emit',
        event: {
          at: when,
          type,
          data,
          leadId: listed.lead.id,
          source: listed.lead.source,
          campaign: listed.lead.campaign,
        },
      });
    // Leads from inbound calls ring the agent first; the agent works through the lists for the rest.
    const direction = listed.lead.source === 'inbound_call' && listed.attempts === 1 ? 'inbound' : 'outbound';
    const startedAt = new Date(at);
    const roll = rnd.next();
    const connected = direction === 'inbound' || roll >= OUTBOUND.noAnswer + OUTBOUND.voicemail;
    const ring = rnd.int(4, 22) * SECOND;
    const booked = connected && rnd.chance(BOOK_WHEN_CONNECTED[direction]);
    const outcome = !connected
      ? roll < OUTBOUND.noAnswer
        ? 'no_answer'
        : 'voicemail'
      : booked
        ? 'booked'
        : 'disqualified';
    const lasts = {
      no_answer: rnd.int(25, 45),
      voicemail: rnd.int(28, 75),
      booked: ring / SECOND + rnd.int(240, 780),
      disqualified: ring / SECOND + rnd.int(90, 420),
    }[outcome];
    const call: payload.Call = {
      id: rnd.id('call'),
      direction,
      lead: listed.lead,
      timezone: listed.timezone,
      agent: rnd.pick(account.agents),
      agentNumber: account.agentNumber,
      startedAt,
      connectedAt: connected ? plus(startedAt, ring) : null,
      endedAt: plus(startedAt, lasts * SECOND),
      outcome,
    };
    emit(startedAt, 'call.started', payload.callStarted(call));
    if (call.connectedAt) emit(call.connectedAt, 'call.connected', payload.callConnected(call));
    emit(call.endedAt, 'call.ended', payload.callEnded(call, account.seller));
    const after = plus(call.endedAt, rnd.int(2, 20) * SECOND);
    if (outcome === 'booked') {
      listed.state = 'booked';
      this.bookMeeting(call, after, emit);
    } else if (outcome === 'disqualified') {
      listed.state = 'disqualified';
      emit(after, 'lead.disqualified', payload.leadDisqualified(rnd, call, after));
    } else {
      // Not reached: the lead goes back in the list, to be tried again later the same day.
      timeline.schedule(call.endedAt.getTime() + rnd.int(15, 120) * MINUTE, {
        kind: 'release',
        lead: listed,
      });
    }
  }

  private bookMeeting(
    call: payload.Call,
    bookedAt: Date,
    emit: <T extends EventType>(when: Date, type: T, data: EventDataMap[T]) => void,
  ): void {
    const { rnd, account } = this;
    const owner = rnd.pick(account.owners);
    let meeting = payload.meetingSlot(
      rnd,
      call,
      account.seller,
      owner,
      bookedAt,
      rnd.int(1, 5),
      rnd.id('mtg'),
    );
    emit(bookedAt, 'meeting.booked', payload.meetingBooked(call, meeting, account.seller, bookedAt));
    const fate = rnd.next();
    const beforeStart = (m: Meeting) =>
      new Date(wholeSeconds(bookedAt.getTime() + (Date.parse(m.start_at) - bookedAt.getTime()) * rnd.next()));
    if (fate < MEETING_FATE.canceled) {
      const at = beforeStart(meeting);
      emit(at, 'meeting.canceled', payload.meetingCanceled(rnd, call, meeting, at));
      return;
    }
    if (fate < MEETING_FATE.canceled + MEETING_FATE.rescheduled) {
      const at = beforeStart(meeting);
      const by = rnd.pick(['lead', 'lead', 'owner', 'agent'] as const);
      const moved = payload.meetingSlot(
        rnd,
        call,
        account.seller,
        by === 'owner' ? rnd.pick(account.owners) : owner,
        new Date(meeting.end_at),
        rnd.int(1, 3),
        meeting.id,
      );
      emit(at, 'meeting.rescheduled', payload.meetingRescheduled(rnd, call, meeting, moved, by, at));
      meeting = moved;
    }
    const completedAt = plus(new Date(meeting.end_at), rnd.int(5, 90) * MINUTE);
    const attendance = rnd.chance(SHOW_RATE) ? 'held' : 'no_show';
    emit(completedAt, 'meeting.completed', payload.meetingCompleted(call, meeting, attendance, completedAt));
  }
}

/** SHA-256 over the stream (time, type, data of each event, in order): equal hashes, equal streams. */
export function streamHash(): { add(event: SimEvent): void; digest(): string } {
  const hash = createHash('sha256');
  return {
    add(event) {
      hash.update(`${JSON.stringify({ at: event.at.toISOString(), type: event.type, data: event.data })}\n`);
    },
    digest: () => hash.digest('hex'),
  };
}
