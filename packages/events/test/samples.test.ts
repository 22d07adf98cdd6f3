import { describe, expect, it } from 'vitest';
import {
  EVENT_TYPES,
  type Lead,
  type Meeting,
  SCHEMA_VERSION,
  sampleData,
  sampleEnvelope,
} from '../src/index.ts';

const NOW = new Date('2026-05-20T14:05:09.123Z');
const SEEDS = Array.from({ length: 200 }, (_, i) => i * 104729 + 3);
const DAY_MS = 24 * 60 * 60 * 1000;

const ms = (iso: string) => Date.parse(iso);
const seconds = (from: string, to: string) => (ms(to) - ms(from)) / 1000;

/** The local hour of `iso` in `timeZone`, e.g. 9 for a 9:30 meeting. */
function localHour(iso: string, timeZone: string): number {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone,
    hour: 'numeric',
    hourCycle: 'h23',
  }).formatToParts(new Date(iso));
  return Number(parts.find((part) => part.type === 'hour')?.value);
}

function expectRealisticLead(lead: Lead) {
  expect(lead.phone).toMatch(/^\+1[2-9]\d{2}55501\d{2}$/);
  if (lead.email) expect(lead.email).toMatch(/^[a-z]+\.[a-z]+@[a-z0-9]+\.example$/);
  expect(lead.name).toMatch(/^[A-Z][a-z]+ [A-Z][a-z]+$/);
}

function expectFutureBusinessMeeting(meeting: Meeting, after: string) {
  expect(ms(meeting.start_at)).toBeGreaterThan(ms(after));
  expect(ms(meeting.end_at)).toBeGreaterThan(ms(meeting.start_at));
  expect([30, 45]).toContain(seconds(meeting.start_at, meeting.end_at) / 60);
  expect(meeting.timezone).toMatch(/^America\/[A-Za-z_]+$/);
  const hour = localHour(meeting.start_at, meeting.timezone);
  expect(hour).toBeGreaterThanOrEqual(9);
  expect(hour).toBeLessThanOrEqual(16);
}

describe('sampleData determinism', () => {
  it('is identical for the same seed and now', () => {
    for (const type of EVENT_TYPES) {
      expect(sampleData(type, { seed: 42, now: NOW })).toEqual(sampleData(type, { seed: 42, now: NOW }));
    }
  });

  it('is identical for the same seed alone, since a seed pins the time too', () => {
    for (const type of EVENT_TYPES)
      expect(sampleData(type, { seed: 9 })).toEqual(sampleData(type, { seed: 9 }));
  });

  it('differs across seeds', () => {
    for (const type of EVENT_TYPES) {
      const distinct = new Set(
        SEEDS.slice(0, 20).map((seed) => JSON.stringify(sampleData(type, { seed, now: NOW }))),
      );
      expect(distinct.size, type).toBeGreaterThan(10);
    }
  });

  it('covers every call outcome and usage threshold over a range of seeds', () => {
    const outcomes = new Set(SEEDS.map((seed) => sampleData('call.ended', { seed }).outcome));
    expect([...outcomes].sort()).toEqual(['booked', 'disqualified', 'no_answer', 'voicemail']);
    const thresholds = new Set(
      SEEDS.map((seed) => sampleData('usage.threshold', { seed }).threshold_percent),
    );
    expect([...thresholds].sort()).toEqual([100, 75, 90]);
  });

  it('uses the current time when neither seed nor now is given', () => {
    const before = Date.now();
    const data = sampleData('meeting.booked');
    expect(ms(data.booked_at)).toBeGreaterThanOrEqual(before);
    expect(ms(data.booked_at)).toBeLessThanOrEqual(Date.now());
  });
});

describe('sampleData consistency', () => {
  it('the events of one seed tell the same story', () => {
    const started = sampleData('call.started', { seed: 5, now: NOW });
    const ended = sampleData('call.ended', { seed: 5, now: NOW });
    const booked = sampleData('meeting.booked', { seed: 5, now: NOW });
    const canceled = sampleData('meeting.canceled', { seed: 5, now: NOW });
    expect(ended.call_id).toBe(started.call_id);
    expect(ended.direction).toBe(started.direction);
    expect(booked.lead).toEqual(started.lead);
    expect(canceled.meeting.id).toBe(booked.meeting.id);
  });

  it('calls: numbers, ordering and durations agree', () => {
    for (const seed of SEEDS) {
      const started = sampleData('call.started', { seed, now: NOW });
      expectRealisticLead(started.lead);
      const leadEnd = started.direction === 'outbound' ? started.to_number : started.from_number;
      expect(leadEnd).toBe(started.lead.phone);
      expect(ms(started.started_at)).toBeLessThanOrEqual(NOW.getTime());

      const connected = sampleData('call.connected', { seed, now: NOW });
      expect(seconds(connected.started_at, connected.connected_at)).toBe(connected.ring_duration_seconds);
      expect(connected.ring_duration_seconds).toBeGreaterThan(0);

      const ended = sampleData('call.ended', { seed, now: NOW });
      expect(seconds(ended.started_at, ended.ended_at)).toBe(ended.duration_seconds);
      expect(ended.duration_seconds).toBeGreaterThan(0);
      if (ended.outcome === 'booked') {
        expect(ended.summary).toBeTruthy();
        expect(ended.transcript_url).toMatch(/^https:\/\//);
      }
      if (ended.outcome === 'no_answer') expect(ended.transcript_url).toBeNull();
    }
  });

  it('meetings: in the future, in business hours of their zone, end after start', () => {
    for (const seed of SEEDS) {
      const booked = sampleData('meeting.booked', { seed, now: NOW });
      expectFutureBusinessMeeting(booked.meeting, booked.booked_at);
      expect(booked.summary).toBeTruthy();
      expect(booked.transcript_url).toContain(booked.call_id);

      const moved = sampleData('meeting.rescheduled', { seed, now: NOW });
      expectFutureBusinessMeeting(moved.meeting, moved.rescheduled_at);
      expect(ms(moved.previous_end_at)).toBeGreaterThan(ms(moved.previous_start_at));
      expect(ms(moved.meeting.start_at)).toBeGreaterThanOrEqual(ms(moved.previous_end_at));
      expect(moved.call_id === null).toBe(moved.rescheduled_by !== 'agent');

      const canceled = sampleData('meeting.canceled', { seed, now: NOW });
      expectFutureBusinessMeeting(canceled.meeting, canceled.canceled_at);
    }
  });

  it('meetings stay in business hours when a daylight-saving change falls in between', () => {
    // US clocks change on 2026-03-08 and 2026-11-01; these are the Fridays before.
    for (const now of [new Date('2026-03-06T21:00:00Z'), new Date('2026-10-30T21:00:00Z')]) {
      for (const seed of SEEDS.slice(0, 50)) {
        const booked = sampleData('meeting.booked', { seed, now });
        expectFutureBusinessMeeting(booked.meeting, booked.booked_at);
      }
    }
  });

  it('lead.disqualified: one or two reasons with distinct codes, each with a note', () => {
    for (const seed of SEEDS) {
      const data = sampleData('lead.disqualified', { seed, now: NOW });
      const codes = data.reasons.map((reason) => reason.code);
      expect(codes.length).toBeGreaterThanOrEqual(1);
      expect(new Set(codes).size).toBe(codes.length);
      for (const reason of data.reasons) expect(reason.note).toBeTruthy();
      expect(data.notes).toBeTruthy();
    }
  });

  it('meeting.completed: the meeting ended before attendance was recorded', () => {
    const outcomes = new Set<string>();
    for (const seed of SEEDS) {
      const data = sampleData('meeting.completed', { seed, now: NOW });
      expect(ms(data.meeting.end_at)).toBeLessThan(ms(data.completed_at));
      expect(ms(data.meeting.start_at)).toBeLessThan(ms(data.meeting.end_at));
      expect(data.completed_at).toBe(NOW.toISOString());
      outcomes.add(data.outcome);
    }
    expect([...outcomes].sort()).toEqual(['held', 'no_show']);
  });

  it('lead.score: an integer from 0 to 100 or null, the same for the same seed', () => {
    const scores = SEEDS.map((seed) => sampleData('call.started', { seed, now: NOW }).lead.score);
    for (const score of scores) {
      if (score !== null) expect(Number.isInteger(score) && score >= 0 && score <= 100).toBe(true);
    }
    expect(scores).toContain(null);
    expect(scores.some((score) => score !== null)).toBe(true);
    expect(sampleData('call.started', { seed: 5, now: NOW }).lead).toEqual(
      sampleData('call.started', { seed: 5, now: NOW }).lead,
    );
  });

  it('trial.ending: the trial ends exactly 3 days after now', () => {
    for (const seed of SEEDS) {
      const data = sampleData('trial.ending', { seed, now: NOW });
      expect(ms(data.trial_ends_at) - NOW.getTime()).toBe(3 * DAY_MS);
      expect(data.days_remaining).toBe(3);
      expect(data.minutes_used).toBeGreaterThan(0);
    }
  });

  it('usage.threshold: minutes used match the threshold crossed, within the period', () => {
    for (const seed of SEEDS) {
      const data = sampleData('usage.threshold', { seed, now: NOW });
      const percent = (100 * data.minutes_used) / data.minutes_included;
      expect(percent).toBeGreaterThanOrEqual(data.threshold_percent);
      const next = { 75: 90, 90: 100, 100: Number.POSITIVE_INFINITY }[data.threshold_percent];
      expect(percent).toBeLessThan(next);
      expect(ms(data.period_start)).toBeLessThanOrEqual(NOW.getTime());
      expect(ms(data.period_end)).toBeGreaterThan(NOW.getTime());
    }
  });
});

describe('sampleEnvelope', () => {
  it('wraps sampleData in the wire envelope', () => {
    const envelope = sampleEnvelope('meeting.booked', { seed: 3, now: NOW, accountId: 'acct_test' });
    expect(envelope).toMatchObject({
      type: 'meeting.booked',
      created_at: NOW.toISOString(),
      account_id: 'acct_test',
      schema_version: SCHEMA_VERSION,
    });
    expect(envelope.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(envelope.data).toEqual(sampleData('meeting.booked', { seed: 3, now: NOW }));
  });

  it('uses a fresh UUID each time unless an id is given', () => {
    expect(sampleEnvelope('call.started').id).not.toBe(sampleEnvelope('call.started').id);
    expect(sampleEnvelope('call.started', { id: 'fixed' }).id).toBe('fixed');
  });

  it('derives a stable account id from the seed', () => {
    const a = sampleEnvelope('trial.ending', { seed: 11 });
    expect(a.account_id).toMatch(/^acct_[a-z0-9]{12}$/);
    expect(sampleEnvelope('trial.ending', { seed: 11 }).account_id).toBe(a.account_id);
  });
});
