export const HOUR_MS = 3_600_000;
export const WEEK_MS = 7 * 24 * HOUR_MS;

/**
 * How long hourly counts are kept: the volume check compares with up to 5 previous weeks, and one
 * more week leaves room for a check that runs late or a store swept early.
 */
export const DEFAULT_VOLUME_RETENTION_MS = 6 * WEEK_MS;

/** Accepted events (verified, not duplicates) of one type in one hour. */
export interface HourlyCount {
  /** The start of the hour, UTC (hours are absolute, so a time zone never shifts them). */
  hour: Date;
  eventType: string;
  count: number;
}

/** The start of the UTC hour that holds `at`. */
export function hourStart(at: Date): Date {
  return new Date(Math.floor(at.getTime() / HOUR_MS) * HOUR_MS);
}

/** The last full hour at `now`: at 10:02 it is 09:00-10:00. */
export function lastFullHour(now: Date): Date {
  return new Date(hourStart(now).getTime() - HOUR_MS);
}

/**
 * The hours a check reads: the hour judged, then the same hour of each previous week (index i is
 * i weeks earlier). Same hour of the week, so a Sunday night is compared with Sunday nights.
 */
export function sameHourOfPreviousWeeks(hour: Date, weeks: number): Date[] {
  return Array.from({ length: weeks + 1 }, (_, i) => new Date(hour.getTime() - i * WEEK_MS));
}
