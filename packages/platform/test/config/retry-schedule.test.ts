import { describe, expect, it } from 'vitest';
import { DEFAULT_SCHEDULE_MS, parseSchedule } from '../../src/config/retry-schedule.ts';

describe('parseSchedule', () => {
  it('parses the documented default into the exported default', () => {
    expect(parseSchedule('30s,2m,10m,1h,6h,24h')).toEqual([...DEFAULT_SCHEDULE_MS]);
    expect(DEFAULT_SCHEDULE_MS).toEqual([30_000, 120_000, 600_000, 3_600_000, 21_600_000, 86_400_000]);
  });

  it('accepts every unit, decimals and spaces', () => {
    expect(parseSchedule('250ms, 1s ,2m,1h,1d,75ms,1.5s,0s')).toEqual([
      250, 1_000, 120_000, 3_600_000, 86_400_000, 75, 1_500, 0,
    ]);
  });

  it('accepts a single item', () => {
    expect(parseSchedule('5s')).toEqual([5_000]);
  });

  it.each([
    ['30s,2x,10m', /item 2 is invalid: "2x"/],
    ['30s,,10m', /item 2 is invalid: ""/],
    ['30s,2m,', /item 3 is invalid: ""/],
    ['-5s', /item 1 is invalid: "-5s"/],
    ['1 h', /item 1 is invalid: "1 h"/],
    ['s', /item 1 is invalid: "s"/],
    ['1e3', /item 1 is invalid: "1e3"/],
    ['99999999999999999d', /item 1 is invalid/],
    ['5', /item 1 is invalid: "5" has no unit; write 5ms, 5s/],
    ['30s,75', /item 2 is invalid: "75" has no unit/],
  ])('rejects %j naming the bad item', (text, message) => {
    expect(() => parseSchedule(text)).toThrow(message);
  });

  it('rejects an empty schedule', () => {
    expect(() => parseSchedule('')).toThrow(/empty/);
    expect(() => parseSchedule('  ')).toThrow(/empty/);
  });
});
