import { parseDurationList } from '@bookflow/events';

/**
 * The retry schedule: the delay before each retry, in milliseconds. Entry k-1 is the wait after
 * attempt k fails, so a schedule of n entries allows n retries (n + 1 attempts in all).
 * It is configuration (`BOOKFLOW_RETRY_SCHEDULE`) so tests and staging can shrink it.
 */

/** The default, written once: 30 s, 2 min, 10 min, 1 h, 6 h, 24 h (README, Configuration). */
export const DEFAULT_RETRY_SCHEDULE = '30s,2m,10m,1h,6h,24h';

/**
 * Parses `30s,2m,10m,1h,6h,24h` into milliseconds with the one duration parser (units ms, s, m,
 * h, d; a number without a unit is refused). Whitespace around items is ignored. Throws an Error
 * naming the first bad item, because a typo in this variable would otherwise silently change how
 * long customers' deliveries are retried.
 */
export function parseSchedule(text: string): number[] {
  if (text.trim() === '') {
    throw new Error(
      `retry schedule is empty: expected a comma-separated list such as ${DEFAULT_RETRY_SCHEDULE}`,
    );
  }
  try {
    return parseDurationList(text);
  } catch (err) {
    throw new Error(`retry schedule ${(err as Error).message}`);
  }
}

export const DEFAULT_SCHEDULE_MS: readonly number[] = Object.freeze(parseSchedule(DEFAULT_RETRY_SCHEDULE));
