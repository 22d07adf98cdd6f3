import { parseDuration } from '../../config/durations.ts';

/**
 * The retry schedule: the delay before each retry, in milliseconds. Entry k-1 is the wait after
 * attempt k fails, so a schedule of n entries allows n retries (n + 1 attempts in all).
 * It is configuration (`BOOKFLOW_RETRY_SCHEDULE`) so tests and staging can shrink it.
 */

const SECOND = 1_000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/** 30 s, 2 min, 10 min, 1 h, 6 h, 24 h (DESIGN.md §3). */
export const DEFAULT_SCHEDULE_MS: readonly number[] = Object.freeze([
  30 * SECOND,
  2 * MINUTE,
  10 * MINUTE,
  HOUR,
  6 * HOUR,
  DAY,
]);

/**
 * Parses `30s,2m,10m,1h,6h,24h` into milliseconds with the one duration parser of the platform
 * (units ms, s, m, h, d; a number without a unit is refused). Whitespace around items is ignored.
 * Throws an Error naming the first bad item, because a typo in this variable would otherwise
 * silently change how long customers' deliveries are retried.
 */
export function parseSchedule(text: string): number[] {
  if (text.trim() === '') {
    throw new Error('retry schedule is empty: expected a comma-separated list such as 30s,2m,10m,1h,6h,24h');
  }
  return text.split(',').map((raw, index) => {
    try {
      return parseDuration(raw);
    } catch (err) {
      throw new Error(`retry schedule item ${index + 1} is invalid: ${(err as Error).message}`);
    }
  });
}
