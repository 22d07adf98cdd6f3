import { describe, expect, it } from 'vitest';
import { addMonths, billableMinutes, periodAt, thresholdsReached } from '../../src/usage/period.ts';

const d = (iso: string) => new Date(iso);

describe('billable minutes: each call rounded up to a whole minute', () => {
  it.each([
    [0, 0],
    [1, 1],
    [59, 1],
    [60, 1],
    [61, 2],
    [119, 2],
    [120, 2],
    [4499, 75],
    [-5, 0],
    [Number.NaN, 0],
  ])('%s s bill %s min', (seconds, minutes) => {
    expect(billableMinutes(seconds)).toBe(minutes);
  });
});

describe('thresholds reached', () => {
  it.each([
    [74, 100, []],
    [75, 100, [75]],
    [89, 100, [75]],
    [95, 100, [75, 90]],
    [100, 100, [75, 90, 100]],
    [250, 100, [75, 90, 100]],
    [750, 1001, []],
    [751, 1001, [75]],
    [0, 0, []],
    [5, 0, []],
  ])('%s of %s minutes → %j', (used, included, expected) => {
    expect(thresholdsReached(used, included)).toEqual(expected);
  });
});

describe('periods', () => {
  const stored = { start: d('2026-01-31T00:00:00Z'), end: d('2026-02-28T00:00:00Z') };

  it('keeps the stored period while it lasts', () => {
    expect(periodAt(stored, d('2026-02-27T23:59:59.999Z'))).toBe(stored);
  });

  it('rolls over at the end: the next period starts where the last one ended, one month long', () => {
    expect(periodAt(stored, d('2026-02-28T00:00:00Z'))).toEqual({
      start: d('2026-02-28T00:00:00Z'),
      end: d('2026-03-28T00:00:00Z'),
    });
  });

  it('skips months nobody called in', () => {
    expect(periodAt(stored, d('2026-06-01T12:00:00Z'))).toEqual({
      start: d('2026-05-28T00:00:00Z'),
      end: d('2026-06-28T00:00:00Z'),
    });
  });

  it('clamps to the end of short months without drifting afterwards', () => {
    expect(addMonths(d('2026-01-31T10:00:00Z'), 1)).toEqual(d('2026-02-28T10:00:00Z'));
    expect(addMonths(d('2026-01-31T10:00:00Z'), 2)).toEqual(d('2026-03-31T10:00:00Z'));
    expect(addMonths(d('2028-01-31T10:00:00Z'), 1)).toEqual(d('2028-02-29T10:00:00Z'));
    const monthEnd = { start: d('2026-01-01T00:00:00Z'), end: d('2026-01-31T00:00:00Z') };
    expect(periodAt(monthEnd, d('2026-03-15T00:00:00Z'))).toEqual({
      start: d('2026-02-28T00:00:00Z'),
      end: d('2026-03-31T00:00:00Z'),
    });
  });
});
