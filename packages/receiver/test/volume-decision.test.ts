import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { HOUR_MS, sameHourOfPreviousWeeks, WEEK_MS } from '../src/time/hours.ts';
import { decideVolumeAlert } from '../src/volume/decide.ts';
import { judgeVolume, median, type TypeVolume, volumeBaseline } from '../src/volume/judge.ts';
import { DEFAULT_VOLUME_POLICY as POLICY, volumePolicy } from '../src/volume/policy.ts';
import { nextCheckAt } from '../src/volume/schedule.ts';
import { volumesByType } from '../src/volume/volumes.ts';

// The volume check's decisions on synthetic series, no I/O: what is normal for an hour (the median
// of the same hour in previous weeks), whether the last hour is low, and when to alert or resolve.

/** A week of hourly meeting.booked counts: busy weekday office hours, quiet nights and weekends. */
function weekdayShape(hourOfWeek: number): number {
  const day = Math.floor(hourOfWeek / 24); // 0 = Monday
  const hour = hourOfWeek % 24;
  if (day >= 5) return hour >= 10 && hour < 16 ? 6 : 1;
  return hour >= 9 && hour < 18 ? 120 : 4;
}

/** Counts of the hour `hourOfWeek` this week (scaled by `today`) and the 5 weeks before. */
function series(hourOfWeek: number, today: number, weeks = [1, 1.05, 0.95, 1, 1.1]): TypeVolume {
  const normal = weekdayShape(hourOfWeek);
  return { count: Math.round(normal * today), history: weeks.map((w) => Math.round(normal * w)) };
}

const MONDAY_11 = 11;
const SATURDAY_3 = 5 * 24 + 3;
const SUNDAY_13 = 6 * 24 + 13;

describe('judging the last hour against the same hour of previous weeks', () => {
  it('a real drop: meeting.booked at 10 % of a Monday morning is low and alerts', () => {
    const judged = judgeVolume(series(MONDAY_11, 0.1), POLICY);
    expect(judged).toEqual({ verdict: 'low', baseline: 120 });
    expect(decideVolumeAlert(judged.verdict, false)).toBe('alert');
  });

  it('nothing at all in a busy hour (the upstream stopped) is low', () => {
    expect(judgeVolume(series(MONDAY_11, 0), POLICY).verdict).toBe('low');
  });

  it('a holiday-like dip to 60 % or 40 % of normal does not page', () => {
    for (const today of [0.6, 0.4]) {
      const judged = judgeVolume(series(MONDAY_11, today), POLICY);
      expect(judged.verdict).not.toBe('low');
      expect(decideVolumeAlert(judged.verdict, false)).toBe('none');
    }
  });

  it('a holiday in one previous week does not lower the baseline (median, not mean)', () => {
    const judged = judgeVolume(series(MONDAY_11, 0.1, [1, 0.1, 1, 1, 1]), POLICY);
    expect(judged).toEqual({ verdict: 'low', baseline: 120 });
  });

  it('nights and weekends are compared with nights and weekends: a quiet hour is normal, not a drop', () => {
    // Saturday 03:00 has ~1 event: a drop from it is noise, and the baseline says so.
    expect(judgeVolume(series(SATURDAY_3, 0), POLICY)).toEqual({ verdict: 'unjudged', baseline: 1 });
    // Sunday afternoon at its usual level is normal, though it is 5 % of a weekday's.
    expect(judgeVolume(series(SUNDAY_13, 1), { ...POLICY, minExpected: 5 }).verdict).toBe('normal');
    // And the same Sunday count judged against Monday's would have looked like an outage.
    expect(judgeVolume({ count: 6, history: series(MONDAY_11, 1).history }, POLICY).verdict).toBe('low');
  });

  it('a new type, or a new account, with no history or too few weeks is never judged', () => {
    expect(judgeVolume({ count: 0, history: [] }, POLICY)).toEqual({
      verdict: 'unjudged',
      baseline: undefined,
    });
    expect(
      judgeVolume({ count: 0, history: [500, 500, undefined, undefined, undefined] }, POLICY).verdict,
    ).toBe('unjudged');
    expect(judgeVolume({ count: 0, history: [500, 500, 500, undefined, undefined] }, POLICY).verdict).toBe(
      'low',
    );
  });

  it('takes the median of the weeks with data, only the first `weeks` of them', () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 2, 3])).toBe(2.5);
    expect(volumeBaseline([10, undefined, 30, 20, 1000, 5], POLICY)).toBe(25);
    expect(volumeBaseline([10, 20, 30, 40, 50, 1, 1, 1], { ...POLICY, weeks: 3, minWeeks: 3 })).toBe(20);
  });

  it('refuses a policy that cannot work, naming each problem', () => {
    expect(() => volumePolicy({ weeks: 2, minWeeks: 3, dropBelow: 0.5, recoverAt: 0.4 })).toThrow(
      /minWeeks must be an integer from 1 to weeks; recoverAt must be from dropBelow to 1/,
    );
    expect(() => volumePolicy({ dropBelow: 1.5 })).toThrow(/dropBelow/);
    expect(volumePolicy({ dropBelow: 0.2 })).toEqual({ ...POLICY, dropBelow: 0.2 });
  });
});

describe('one alert per episode', () => {
  /** Runs hourly verdicts through the decision, as the check does, and lists what it sent. */
  function episode(ratios: readonly number[]) {
    let open = false;
    const sent: string[] = [];
    for (const ratio of ratios) {
      const action = decideVolumeAlert(judgeVolume(series(MONDAY_11, ratio), POLICY).verdict, open);
      if (action !== 'none') sent.push(action);
      if (action === 'alert') open = true;
      if (action === 'resolve') open = false;
    }
    return sent;
  }

  it('a drop that lasts five hours alerts once, and its recovery resolves once', () => {
    expect(episode([1, 0.1, 0.05, 0, 0.1, 0.2, 1, 1])).toEqual(['alert', 'resolve']);
  });

  it('hovering between the thresholds neither resolves nor alerts again', () => {
    expect(episode([0.1, 0.45, 0.2, 0.5, 0.1, 0.9])).toEqual(['alert', 'resolve']);
  });

  it('two separate drops are two episodes', () => {
    expect(episode([0.1, 1, 0.1, 1])).toEqual(['alert', 'resolve', 'alert', 'resolve']);
  });

  it('an hour that cannot be judged (a night inside the outage) keeps the episode as it is', () => {
    expect(decideVolumeAlert('unjudged', true)).toBe('none');
    expect(decideVolumeAlert('unjudged', false)).toBe('none');
    expect(decideVolumeAlert('between', true)).toBe('none');
  });
});

describe('properties (fast-check)', () => {
  const count = fc.integer({ min: 0, max: 100_000 });
  const week = fc.option(count, { nil: undefined });
  const volume = fc.record({ count, history: fc.array(week, { maxLength: 8 }) });

  it('never alerts without at least minWeeks of history', () => {
    fc.assert(
      fc.property(volume, fc.boolean(), (v, open) => {
        const known = v.history.slice(0, POLICY.weeks).filter((c) => c !== undefined).length;
        fc.pre(known < POLICY.minWeeks);
        const judged = judgeVolume(v, POLICY);
        expect(judged.verdict).toBe('unjudged');
        expect(decideVolumeAlert(judged.verdict, open)).toBe('none');
      }),
    );
  });

  it('never alerts when the baseline is below the minimum expected count', () => {
    // Quiet types and hours: counts around the minimum, so both sides of it are drawn often.
    const quiet = fc.record({
      count: fc.integer({ min: 0, max: 40 }),
      history: fc.array(fc.option(fc.integer({ min: 0, max: 40 }), { nil: undefined }), { maxLength: 6 }),
    });
    fc.assert(
      fc.property(quiet, (v) => {
        const baseline = volumeBaseline(v.history, POLICY);
        fc.pre(baseline !== undefined && baseline < POLICY.minExpected);
        expect(judgeVolume(v, POLICY).verdict).toBe('unjudged');
      }),
    );
  });

  it('scaling every count by k does not change the verdict (once the baseline is large enough to judge)', () => {
    fc.assert(
      fc.property(volume, fc.integer({ min: 1, max: 1000 }), (v, k) => {
        const baseline = volumeBaseline(v.history, POLICY);
        fc.pre(baseline !== undefined && baseline >= POLICY.minExpected);
        const scaled = { count: v.count * k, history: v.history.map((c) => (c === undefined ? c : c * k)) };
        expect(judgeVolume(scaled, POLICY).verdict).toBe(judgeVolume(v, POLICY).verdict);
      }),
    );
  });

  it('a count at or above the baseline is never low; one below dropBelow of it always is', () => {
    fc.assert(
      fc.property(volume, (v) => {
        const { verdict, baseline } = judgeVolume(v, POLICY);
        fc.pre(verdict !== 'unjudged' && baseline !== undefined);
        if (v.count >= baseline) expect(verdict).toBe('normal');
        if (v.count < POLICY.dropBelow * baseline) expect(verdict).toBe('low');
      }),
    );
  });
});

describe('the hours a check reads and when it runs', () => {
  const hour = new Date('2026-06-15T10:00:00Z');

  it('reads the hour judged and the same hour of each previous week', () => {
    const hours = sameHourOfPreviousWeeks(hour, 2);
    expect(hours.map((h) => h.toISOString())).toEqual([
      '2026-06-15T10:00:00.000Z',
      '2026-06-08T10:00:00.000Z',
      '2026-06-01T10:00:00.000Z',
    ]);
  });

  it('groups counts by type: a week with no count at all has no data, another type in it makes a zero', () => {
    const hours = sameHourOfPreviousWeeks(hour, 3);
    const at = (weeksAgo: number) => new Date(hour.getTime() - weeksAgo * WEEK_MS);
    const volumes = volumesByType(
      [
        { hour: at(0), eventType: 'call.ended', count: 7 },
        { hour: at(1), eventType: 'meeting.booked', count: 40 },
        { hour: at(1), eventType: 'call.ended', count: 9 },
        { hour: at(2), eventType: 'call.ended', count: 8 },
        { hour: new Date(hour.getTime() - HOUR_MS), eventType: 'meeting.booked', count: 99 },
      ],
      hours,
      ['lead.qualified'],
    );
    expect(Object.fromEntries(volumes)).toEqual({
      'meeting.booked': { count: 0, history: [40, 0, undefined] },
      'call.ended': { count: 7, history: [9, 8, undefined] },
      'lead.qualified': { count: 0, history: [0, 0, undefined] },
    });
  });

  it('runs `delay` after the next hour, or after this one when that is still ahead', () => {
    expect(nextCheckAt(new Date('2026-06-15T10:01:00Z'), 120_000).toISOString()).toBe(
      '2026-06-15T10:02:00.000Z',
    );
    expect(nextCheckAt(new Date('2026-06-15T10:02:00Z'), 120_000).toISOString()).toBe(
      '2026-06-15T11:02:00.000Z',
    );
    expect(nextCheckAt(new Date('2026-06-15T10:59:59Z'), 0).toISOString()).toBe('2026-06-15T11:00:00.000Z');
  });
});
